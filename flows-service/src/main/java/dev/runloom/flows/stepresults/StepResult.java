package dev.runloom.flows.stepresults;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;

import java.math.BigDecimal;
import java.time.Instant;

/**
 * What one step did for one record in one attempt of one execution (table {@code step_results}):
 * {@code retryCount} is the attempt (0 the first; a batch's {@code maxRetries} runs a failed record
 * again, and every attempt keeps its rows) plus the model call's own retries (a 500 then a success adds
 * one). For model calls the cost is stored with the input, output and cached-input prices per million
 * tokens it was computed from, and the cached input tokens beside the prompt tokens (which include them).
 */
@MappedEntity("step_results")
public record StepResult(@Id String id,
                         String organizationId,
                         @Nullable String userId,
                         String flowId,
                         String flowVersionId,
                         @Nullable String batchId,
                         String executionId,
                         String recordId,
                         @Nullable String recordName,
                         String stepId,
                         String stepType,
                         String stepName,
                         int stepOrder,
                         String status,
                         Instant startedAt,
                         Instant completedAt,
                         long durationMs,
                         @Nullable String outputPreview,
                         @Nullable String resolvedPrompt,
                         @Nullable String modelUsed,
                         @Nullable Long promptTokens,
                         @Nullable Long completionTokens,
                         @Nullable Long totalTokens,
                         @Nullable BigDecimal estimatedCost,
                         @Nullable BigDecimal inputPricePerMillion,
                         @Nullable BigDecimal outputPricePerMillion,
                         @Nullable Long cachedPromptTokens,
                         @Nullable BigDecimal cachedInputPricePerMillion,
                         @Nullable String errorMessage,
                         int retryCount,
                         Instant createdAt) {

    public static final String COMPLETED = "completed";
    public static final String FAILED = "failed";
    public static final String SKIPPED = "skipped";
}
