package dev.runloom.flows.events;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;

import java.math.BigDecimal;
import java.time.Instant;

/**
 * What one step did in a record execution (reference §2.6), as {@code RecordExecutionCompletedV1.steps}
 * carries it. The heavy fields of a step result (resolved prompt, step config, input variables)
 * stay in flows-service; {@code outputPreview} is already truncated there.
 */
@Serdeable
public record StepResultV1(String stepResultId,
                           String stepId,
                           String stepName,
                           String stepType,
                           int order,
                           String status,
                           Instant startedAt,
                           Instant completedAt,
                           long durationMs,
                           @Nullable String outputPreview,
                           @Nullable String modelUsed,
                           @Nullable Long promptTokens,
                           @Nullable Long completionTokens,
                           @Nullable Long totalTokens,
                           @Nullable BigDecimal estimatedCost,
                           @Nullable String errorMessage,
                           int retryCount) {
}
