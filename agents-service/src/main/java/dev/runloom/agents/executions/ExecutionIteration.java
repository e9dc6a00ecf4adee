package dev.runloom.agents.executions;

import dev.runloom.models.ModelPrice;
import dev.runloom.models.TokenUsage;
import io.micronaut.core.annotation.Nullable;

import java.math.BigDecimal;
import java.time.Instant;

/** One persisted loop iteration: the model call's tokens and cost with the price that produced the cost. */
public record ExecutionIteration(String executionId, int iteration, String organizationId, String model,
                                 TokenUsage usage, BigDecimal cost, ModelPrice price,
                                 @Nullable String finishReason, @Nullable String output, int toolCalls,
                                 long durationMs, Instant startedAt, Instant completedAt) {
}
