package dev.runloom.outbound;

/**
 * The guard refused to connect: the URL, or an address its host resolved to, or a redirect's, is
 * not one a user-chosen request may reach (internal, loopback, cloud metadata …). Thrown before any
 * connection is opened.
 */
public class OutboundRefusedException extends OutboundHttpException {
    public OutboundRefusedException(String message) {
        super(message);
    }
}
