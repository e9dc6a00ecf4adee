package dev.runloom.flows.steps;

import dev.runloom.models.ModelPrice;
import dev.runloom.models.TokenUsage;
import io.micronaut.core.annotation.Nullable;

import java.math.BigDecimal;

/**
 * What a step produced: its output value (a string, or parsed JSON), and for model calls the
 * resolved prompt, the model, its token usage, the cost and the price it was computed with.
 */
public record StepOutput(@Nullable Object value, @Nullable String resolvedPrompt, @Nullable String model,
                         @Nullable TokenUsage usage, @Nullable BigDecimal cost, @Nullable ModelPrice price) {

    public static StepOutput of(Object value) {
        return new StepOutput(value, null, null, null, null, null);
    }
}
