package dev.runloom.outbound;

import io.micronaut.core.annotation.Nullable;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * The only way to call a URL a user chose. Before every connection — the first and each redirect
 * hop, which it follows itself — it resolves the host once, refuses the call if any address is
 * internal (loopback, private, link-local, unique-local, multicast, unspecified, reserved, cloud
 * metadata: {@link AddressPolicy}) unless the host is allow-listed, and then hands exactly the
 * checked address to the {@link Connector}, so what was checked is what is connected to.
 * Only {@code http} and {@code https} URLs, without user info, are accepted.
 */
public class GuardedHttpClient {
    private static final Set<Integer> REDIRECTS = Set.of(301, 302, 303, 307, 308);

    private final HostResolver resolver;
    private final Connector connector;
    private final Set<String> allowedHosts;
    private final OutboundLimits limits;

    public GuardedHttpClient(HostResolver resolver, Connector connector, Set<String> allowedHosts, OutboundLimits limits) {
        this.resolver = Objects.requireNonNull(resolver);
        this.connector = Objects.requireNonNull(connector);
        this.allowedHosts = Set.copyOf(allowedHosts);
        this.limits = Objects.requireNonNull(limits);
    }

    public OutboundResponse send(OutboundRequest request) {
        return send(request, null);
    }

    /**
     * Sends the request, following redirects (each hop checked like the first).
     *
     * @param timeout a tighter response timeout for this call, or null for the configured one
     * @throws OutboundRefusedException before connecting, when a hop's URL or address is refused
     * @throws OutboundHttpException    when the call fails, times out or its answer is too large
     */
    public OutboundResponse send(OutboundRequest request, @Nullable Duration timeout) {
        OutboundLimits callLimits = limits.withResponseTimeoutAtMost(timeout);
        OutboundRequest hop = request;
        for (int redirects = 0; ; redirects++) {
            InetAddress address = checkedAddress(hop.uri());
            OutboundResponse response;
            try {
                response = connector.exchange(hop, address, callLimits);
            } catch (OutboundHttpException e) {
                throw e;
            } catch (IOException e) {
                throw new OutboundHttpException("request to " + describe(hop.uri()) + " failed: " + message(e), e);
            }
            String location = response.header("location").orElse(null);
            if (!REDIRECTS.contains(response.status()) || location == null) {
                return response;
            }
            if (redirects >= callLimits.maxRedirects()) {
                throw new OutboundHttpException("more than " + callLimits.maxRedirects() + " redirects from "
                        + describe(request.uri()));
            }
            URI target;
            try {
                target = hop.uri().resolve(location.trim());
            } catch (IllegalArgumentException e) {
                throw new OutboundHttpException("redirect to an invalid location: " + location);
            }
            int status = response.status();
            boolean keepMethod = status == 307 || status == 308
                    || hop.method().equals("GET") || hop.method().equals("HEAD");
            boolean sameOrigin = sameOrigin(hop.uri(), target);
            hop = keepMethod ? hop.redirectedTo(hop.method(), target, sameOrigin, true)
                    : hop.redirectedTo("GET", target, sameOrigin, false);
        }
    }

    /** Checks a URL without resolving it: the scheme, the host, no user info. For save-time validation. */
    public static void checkUrlShape(URI uri) {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new OutboundRefusedException("only http and https URLs can be called, not " + describe(uri));
        }
        if (uri.getHost() == null || uri.getHost().isBlank()) {
            throw new OutboundRefusedException("the URL has no host: " + describe(uri));
        }
        if (uri.getRawUserInfo() != null) {
            throw new OutboundRefusedException("URLs with user info are refused: send credentials as headers");
        }
    }

    private InetAddress checkedAddress(URI uri) {
        checkUrlShape(uri);
        String host = bareHost(uri.getHost()).toLowerCase(Locale.ROOT);
        List<InetAddress> addresses;
        try {
            addresses = resolver.resolve(host);
        } catch (UnknownHostException e) {
            throw new OutboundHttpException("host " + host + " could not be resolved");
        }
        if (addresses == null || addresses.isEmpty()) {
            throw new OutboundHttpException("host " + host + " could not be resolved");
        }
        if (!allowedHosts.contains(host)) {
            for (InetAddress address : addresses) {
                String refusal = AddressPolicy.refusal(address);
                if (refusal != null) {
                    // one bad answer refuses the host: choosing among the others would let a rebinding DNS pick
                    throw new OutboundRefusedException("refused to call " + describe(uri) + ": " + host + " resolves to "
                            + refusal + " (" + address.getHostAddress() + ")");
                }
            }
        }
        return addresses.getFirst();
    }

    private static boolean sameOrigin(URI a, URI b) {
        return Objects.equals(lower(a.getScheme()), lower(b.getScheme())) && Objects.equals(lower(a.getHost()), lower(b.getHost()))
                && effectivePort(a) == effectivePort(b);
    }

    private static int effectivePort(URI uri) {
        return uri.getPort() != -1 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
    }

    private static String lower(@Nullable String s) {
        return s == null ? null : s.toLowerCase(Locale.ROOT);
    }

    private static String bareHost(String host) {
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }

    /** The URL without its query (which may carry secrets), for messages. */
    static String describe(URI uri) {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme() + "://";
        String host = uri.getHost() == null ? "" : uri.getHost();
        String port = uri.getPort() == -1 ? "" : ":" + uri.getPort();
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        return scheme + host + port + path;
    }

    private static String message(Throwable e) {
        String message = e.getMessage();
        return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
    }
}
