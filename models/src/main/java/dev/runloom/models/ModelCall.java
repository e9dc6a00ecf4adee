package dev.runloom.models;

import java.math.BigDecimal;

/**
 * A completed model call with its cost, computed when the call was made, and the price used.
 * {@code retries}: attempts before the one that answered (including those of a primary model that
 * failed over to the fallback), so {@code retries + 1} requests were sent.
 */
public record ModelCall(ModelResponse response, BigDecimal cost, ModelPrice price, long durationMs, int retries) {

    public ModelCall(ModelResponse response, BigDecimal cost, ModelPrice price, long durationMs) {
        this(response, cost, price, durationMs, 0);
    }

    public ModelCall withRetries(int priorAttempts, long totalDurationMs) {
        return new ModelCall(response, cost, price, totalDurationMs, priorAttempts);
    }
}
