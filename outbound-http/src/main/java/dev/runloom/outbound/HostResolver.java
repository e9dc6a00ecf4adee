package dev.runloom.outbound;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/**
 * Resolves a host name (or IP literal) to addresses. The guard resolves once, checks every address,
 * and the connection goes to one of exactly those addresses, so a second, different DNS answer
 * (rebinding) is never used. Tests plug in their own to make names resolve to internal addresses
 * without any DNS.
 */
@FunctionalInterface
public interface HostResolver {

    HostResolver SYSTEM = host -> List.of(InetAddress.getAllByName(host));

    List<InetAddress> resolve(String host) throws UnknownHostException;
}
