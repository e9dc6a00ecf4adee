package dev.runloom.flows.stepresults;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;
import io.micronaut.data.annotation.TypeDef;
import io.micronaut.data.model.DataType;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Map;

/**
 * What one step did for one record in one attempt of one execution (table {@code step_results}):
 * {@code retryCount} is the attempt (0 the first; a batch's {@code maxRetries} runs a failed record
 * again, and every attempt keeps its rows) plus the model call's own retries (a 500 then a success adds
 * one). For model calls the cost is stored with the input, output and cached-input prices per million
 * tokens it was computed from, and the cached input tokens beside the prompt tokens (which include them).
 * The heavy fields of reference 2.6 are kept too: the step's config as it ran, the variables it started
 * with ({@code _record} aside; null for a step that did not run) and the record's metadata at that time;
 * listings return them only when asked.
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
                         Instant createdAt,
                         @Nullable @TypeDef(type = DataType.JSON) Map<String, Object> stepConfig,
                         @Nullable @TypeDef(type = DataType.JSON) Map<String, Object> inputVariables,
                         @Nullable @TypeDef(type = DataType.JSON) Map<String, Object> recordMetadata) {

    public static final String COMPLETED = "completed";
    public static final String FAILED = "failed";
    public static final String SKIPPED = "skipped";
}
