package dev.runloom.flows.steps;

import dev.runloom.models.ModelPrice;
import dev.runloom.models.TokenUsage;
import io.micronaut.core.annotation.Nullable;

import java.math.BigDecimal;

/**
 * What a step produced: its output value (a string, or parsed JSON), and for model calls the
 * resolved prompt, the model, its token usage, the cost and the price it was computed with, and how
 * many times the model call was retried (every attempt counts in the step result's {@code retryCount}).
 */
public record StepOutput(@Nullable Object value, @Nullable String resolvedPrompt, @Nullable String model,
                         @Nullable TokenUsage usage, @Nullable BigDecimal cost, @Nullable ModelPrice price,
                         int retries) {

    public StepOutput(@Nullable Object value, @Nullable String resolvedPrompt, @Nullable String model,
                      @Nullable TokenUsage usage, @Nullable BigDecimal cost, @Nullable ModelPrice price) {
        this(value, resolvedPrompt, model, usage, cost, price, 0);
    }

    public static StepOutput of(Object value) {
        return new StepOutput(value, null, null, null, null, null);
    }
}
