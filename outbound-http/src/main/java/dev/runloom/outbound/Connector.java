package dev.runloom.outbound;

import java.io.IOException;
import java.net.InetAddress;

/**
 * Makes one HTTP exchange (no redirects followed) to {@code address}, which the guard has already
 * checked, while the request keeps its URL's host name for {@code Host} and TLS. Tests replace it to
 * prove that a refused request never reaches a connector.
 */
@FunctionalInterface
public interface Connector {

    OutboundResponse exchange(OutboundRequest request, InetAddress address, OutboundLimits limits) throws IOException;
}
