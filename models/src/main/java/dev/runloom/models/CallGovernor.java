package dev.runloom.models;

import java.time.Duration;
import java.time.Instant;

/**
 * Admission control for model calls, shared by every replica of every service that calls models
 * (the {@code governor} module implements it over one PostgreSQL database). {@link ModelCaller} asks
 * for a {@link Permit} before each attempt and gives it back after; a provider's 429 pauses the
 * organization's traffic to that provider for everybody ({@link #pause}), so calls wait instead of
 * failing. Without a governor bean, calls are not governed.
 */
public interface CallGovernor {

    /** Whether calls to this provider (a {@link ModelProvider#name()}) are governed at all. */
    boolean governs(String provider);

    /**
     * Waits for a permit to call {@code provider} for {@code origin}: until the organization's pause
     * for the provider is over, a concurrency slot is free for the call's priority and the
     * tokens-per-minute windows have room. The permit expires on its own after {@code holdAtMost}
     * (a replica that dies never gives its permits back).
     *
     * @throws GovernorWaitExceeded when no permit came before {@code deadline}
     * @throws InterruptedException when the waiting thread was interrupted
     */
    Permit acquire(CallOrigin origin, String provider, Duration holdAtMost, Instant deadline) throws InterruptedException;

    /** A provider asked this organization to slow down (429): no one calls it for them before {@code retryAfter} ends. */
    void pause(CallOrigin origin, String provider, Duration retryAfter);

    /** How long a call of this priority may wait for permits in total before it fails. */
    Duration maxWait(CallOrigin.Priority priority);

    /** How many 429s one logical call may answer by waiting (beyond its policy's retries) before it fails. */
    int maxRateLimitedAttempts();

    /** The pause after a 429 that named no {@code Retry-After}: the {@code n}-th in a row (1-based). */
    Duration defaultPause(int n);

    /** A granted call slot. {@link #release} exactly once (further calls do nothing). */
    interface Permit {
        void release(long tokensUsed);
    }

    /** Thrown by {@link #acquire} when a call waited as long as it may. */
    class GovernorWaitExceeded extends RuntimeException {
        public GovernorWaitExceeded(String message) {
            super(message);
        }
    }
}
