package dev.runloom.models;

import io.micronaut.core.annotation.Nullable;

/**
 * A model call that failed for good: after its retries and its fallback model. The message says what
 * happened in words a flow author can act on; {@code attempts} counts every request sent. When the
 * last attempt got an answer that was rejected (JSON asked, prose answered), {@code spent} is that
 * answer's call, so its tokens and cost are still recorded.
 */
public class ModelCallException extends RuntimeException {
    private final transient ModelFailure failure;
    private final int attempts;
    private final String model;
    private final transient @Nullable ModelCall spent;

    public ModelCallException(String message, ModelFailure failure, int attempts, String model,
                              @Nullable ModelCall spent, @Nullable Throwable cause) {
        super(message, cause);
        this.failure = failure;
        this.attempts = attempts;
        this.model = model;
        this.spent = spent;
    }

    public ModelFailure failure() {
        return failure;
    }

    public int attempts() {
        return attempts;
    }

    /** The model of the last attempt (the fallback, if it was tried). */
    public String model() {
        return model;
    }

    public @Nullable ModelCall spent() {
        return spent;
    }
}
