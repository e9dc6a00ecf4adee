package dev.runloom.flows.steps;

import io.micronaut.core.annotation.Nullable;

/** A step that failed after resolving its prompt: the step result still shows what was sent, and to which model. */
public class StepFailure extends RuntimeException {
    private final transient String resolvedPrompt;
    private final transient String model;

    public StepFailure(String message, @Nullable String resolvedPrompt, @Nullable String model, Throwable cause) {
        super(message, cause);
        this.resolvedPrompt = resolvedPrompt;
        this.model = model;
    }

    public @Nullable String resolvedPrompt() {
        return resolvedPrompt;
    }

    public @Nullable String model() {
        return model;
    }
}
