package dev.runloom.records.stepresults;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;

import java.math.BigDecimal;
import java.time.Instant;

/** One step of one flow execution on a record (table {@code record_step_results}), as flows-service reported it. */
@MappedEntity("record_step_results")
public record RecordStepResult(@Id String id,
                               String organizationId,
                               @Nullable String userId,
                               String recordId,
                               @Nullable String recordName,
                               String executionId,
                               @Nullable String batchId,
                               String flowId,
                               @Nullable String flowVersionId,
                               String stepId,
                               String stepType,
                               String stepName,
                               int stepOrder,
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
                               int retryCount,
                               Instant createdAt) {
}
