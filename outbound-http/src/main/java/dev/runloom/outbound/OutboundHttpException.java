package dev.runloom.outbound;

/** An outbound call that did not produce a response: refused, timed out, too large, or the connection failed. */
public class OutboundHttpException extends RuntimeException {
    public OutboundHttpException(String message) {
        super(message);
    }

    public OutboundHttpException(String message, Throwable cause) {
        super(message, cause);
    }
}
