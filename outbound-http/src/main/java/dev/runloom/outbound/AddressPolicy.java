package dev.runloom.outbound;

import io.micronaut.core.annotation.Nullable;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/**
 * Which addresses a user-chosen URL may not reach, and why: everything that is not the public
 * internet. IPv6 forms that embed an IPv4 address (mapped, compatible, NAT64, 6to4) are judged by
 * the IPv4 address inside them, so {@code ::ffff:10.0.0.1} is as private as {@code 10.0.0.1}.
 */
public final class AddressPolicy {
    private static final byte[] AWS_METADATA_V6 = parse("fd00:ec2::254");

    private AddressPolicy() {
    }

    /** Why the address is refused, or null when it is a public address. */
    public static @Nullable String refusal(InetAddress address) {
        if (address instanceof Inet6Address v6) {
            byte[] b = v6.getAddress();
            if (Arrays.equals(b, AWS_METADATA_V6)) {
                return "a cloud metadata address";
            }
            Inet4Address embedded = embeddedIpv4(b);
            if (embedded != null) {
                return refusal(embedded);
            }
            if ((b[0] & 0xfe) == 0xfc) {
                return "a unique-local address";
            }
        }
        if (address instanceof Inet4Address v4) {
            String reason = ipv4Refusal(v4.getAddress());
            if (reason != null) {
                return reason;
            }
        }
        if (address.isAnyLocalAddress()) {
            return "an unspecified address";
        }
        if (address.isLoopbackAddress()) {
            return "a loopback address";
        }
        if (address.isLinkLocalAddress()) {
            return "a link-local address";
        }
        if (address.isSiteLocalAddress()) {
            return "a private address";
        }
        if (address.isMulticastAddress()) {
            return "a multicast address";
        }
        return null;
    }

    private static @Nullable String ipv4Refusal(byte[] b) {
        int a0 = b[0] & 0xff;
        int a1 = b[1] & 0xff;
        if (a0 == 169 && a1 == 254 && (b[2] & 0xff) == 169 && (b[3] & 0xff) == 254) {
            return "a cloud metadata address";
        }
        if (a0 == 0) {
            return "an unspecified address";
        }
        if (a0 == 127) {
            return "a loopback address";
        }
        if (a0 == 169 && a1 == 254) {
            return "a link-local address";
        }
        if (a0 == 10 || (a0 == 172 && a1 >= 16 && a1 <= 31) || (a0 == 192 && a1 == 168)) {
            return "a private address";
        }
        if (a0 == 100 && a1 >= 64 && a1 <= 127) {
            return "a shared (carrier-grade NAT) address"; // also Alibaba Cloud's metadata 100.100.100.200
        }
        if (a0 >= 224 && a0 <= 239) {
            return "a multicast address";
        }
        if (a0 >= 240 || (a0 == 192 && a1 == 0 && (b[2] & 0xff) == 0) || (a0 == 198 && (a1 == 18 || a1 == 19))) {
            return "a reserved address";
        }
        return null;
    }

    /** The IPv4 address inside an IPv4-mapped, IPv4-compatible, NAT64 (64:ff9b::/96) or 6to4 (2002::/16) address. */
    private static @Nullable Inet4Address embeddedIpv4(byte[] b) {
        boolean firstTenZero = true;
        for (int i = 0; i < 10; i++) {
            firstTenZero &= b[i] == 0;
        }
        boolean mapped = firstTenZero && (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff;
        boolean compatible = firstTenZero && b[10] == 0 && b[11] == 0 && !(allZero(b, 12, 15) && (b[15] == 0 || b[15] == 1));
        boolean nat64 = (b[0] & 0xff) == 0x00 && (b[1] & 0xff) == 0x64 && (b[2] & 0xff) == 0xff && (b[3] & 0xff) == 0x9b
                && allZero(b, 4, 12);
        if (mapped || compatible || nat64) {
            return v4(b[12], b[13], b[14], b[15]);
        }
        if ((b[0] & 0xff) == 0x20 && (b[1] & 0xff) == 0x02) {
            return v4(b[2], b[3], b[4], b[5]);
        }
        return null;
    }

    private static boolean allZero(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    }

    private static Inet4Address v4(byte a, byte b, byte c, byte d) {
        try {
            return (Inet4Address) InetAddress.getByAddress(new byte[] {a, b, c, d});
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] parse(String literal) {
        try {
            return InetAddress.getByName(literal).getAddress();
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
