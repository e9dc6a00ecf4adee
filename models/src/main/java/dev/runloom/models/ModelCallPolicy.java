package dev.runloom.models;

import io.micronaut.core.annotation.Nullable;

import java.time.Duration;

/**
 * How one logical model call behaves when attempts fail: up to {@code retries} more attempts per
 * model (429 after its {@code Retry-After}, 5xx/connection errors/timeouts after an exponential
 * backoff with jitter starting at {@code baseBackoff}), each attempt bounded by {@code attemptTimeout};
 * then the {@code fallbackModel}, if any, with the same budget.
 */
public record ModelCallPolicy(int retries, @Nullable Duration attemptTimeout, @Nullable String fallbackModel,
                              @Nullable Duration baseBackoff) {
    public static final int MAX_RETRIES = 10;

    public ModelCallPolicy {
        if (retries < 0 || retries > MAX_RETRIES) {
            throw new IllegalArgumentException("retries must be between 0 and " + MAX_RETRIES);
        }
        fallbackModel = fallbackModel == null || fallbackModel.isBlank() ? null : fallbackModel.trim();
    }

    /** One attempt with the configured timeout, no fallback. */
    public static ModelCallPolicy once() {
        return new ModelCallPolicy(0, null, null, null);
    }
}
