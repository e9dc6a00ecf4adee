package dev.runloom.records.results;

import io.micronaut.core.annotation.Nullable;

import java.math.BigDecimal;
import java.time.Instant;

/**
 * What one prompt step (or a flow's last step) produced for one record in one flow execution.
 * {@code createdAt} is the execution's completion time, not when this service received it.
 */
public record RecordResult(String id,
                           String organizationId,
                           String recordId,
                           String executionId,
                           @Nullable String batchId,
                           @Nullable String scheduleRunId,
                           String flowId,
                           @Nullable String flowName,
                           @Nullable String promptId,
                           @Nullable String promptName,
                           String status,
                           @Nullable Object result,
                           @Nullable String model,
                           long promptTokens,
                           long completionTokens,
                           BigDecimal cost,
                           Instant createdAt) {
}
