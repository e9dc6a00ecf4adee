package dev.runloom.flows.steps;

import dev.runloom.models.ModelCall;
import io.micronaut.core.annotation.Nullable;

/**
 * A step that failed after resolving its prompt: the step result still shows what was sent, to which
 * model, how often it was retried, and what a rejected answer cost (JSON asked for, prose answered).
 */
public class StepFailure extends RuntimeException {
    private final transient String resolvedPrompt;
    private final transient String model;
    private final int retries;
    private final transient @Nullable ModelCall spent;

    public StepFailure(String message, @Nullable String resolvedPrompt, @Nullable String model, Throwable cause) {
        this(message, resolvedPrompt, model, 0, null, cause);
    }

    public StepFailure(String message, @Nullable String resolvedPrompt, @Nullable String model, int retries,
                       @Nullable ModelCall spent, Throwable cause) {
        super(message, cause);
        this.resolvedPrompt = resolvedPrompt;
        this.model = model;
        this.retries = retries;
        this.spent = spent;
    }

    /** What the step result records for this failure: no value, but the prompt, model, retries and spend. */
    public StepOutput asOutput() {
        return spent == null ? new StepOutput(null, resolvedPrompt, model, null, null, null, retries)
                : new StepOutput(null, resolvedPrompt, model, spent.response().usage(), spent.cost(), spent.price(), retries);
    }

    public @Nullable String resolvedPrompt() {
        return resolvedPrompt;
    }

    public @Nullable String model() {
        return model;
    }
}
