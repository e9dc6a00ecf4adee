package dev.runloom.flows.events;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;

import java.math.BigDecimal;
import java.time.Instant;

/**
 * Topic runloom.flows.batches.v1, key = batch id. {@code status} is {@code completed} (all records
 * succeeded), {@code partial} (some failed) or {@code failed} (all failed, or the batch could not
 * start: then {@code error} says why, e.g. the flow does not exist), or {@code cancelled} (the batch
 * API's cancel: {@code successCount + failureCount} records ran, the rest never will).
 */
@Serdeable
public record BatchCompletedV1(String batchId, String organizationId, @Nullable String flowId,
                               @Nullable String recordType, int recordCount, int successCount, int failureCount,
                               String status, @Nullable String error, @Nullable String scheduleRunId,
                               Instant startedAt, Instant completedAt, BigDecimal totalCost) {
}
