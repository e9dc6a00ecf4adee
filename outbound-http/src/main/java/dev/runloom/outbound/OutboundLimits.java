package dev.runloom.outbound;

import java.time.Duration;

/** How long a call may take and how much of an answer is read. */
public record OutboundLimits(Duration connectTimeout, Duration responseTimeout, long maxResponseBytes, int maxRedirects) {

    public OutboundLimits {
        if (connectTimeout.isNegative() || connectTimeout.isZero() || responseTimeout.isNegative() || responseTimeout.isZero()) {
            throw new IllegalArgumentException("timeouts must be positive");
        }
        if (maxResponseBytes < 1 || maxRedirects < 0) {
            throw new IllegalArgumentException("maxResponseBytes must be positive and maxRedirects not negative");
        }
    }

    /** A tighter response timeout for one call (a step's own {@code timeoutMs}), never a looser one. */
    public OutboundLimits withResponseTimeoutAtMost(Duration timeout) {
        return timeout == null || timeout.compareTo(responseTimeout) >= 0 ? this
                : new OutboundLimits(connectTimeout.compareTo(timeout) > 0 ? timeout : connectTimeout, timeout,
                maxResponseBytes, maxRedirects);
    }
}
