package dev.runloom.flows.batches;

import dev.runloom.flows.recordsource.SourceRecord;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;

/**
 * Payload of a work item on {@code runloom.flows.batch-work.v1} (type
 * {@code runloom.flows.batch-record.work.v1}, key = record id): run one flow version for one record
 * as part of a batch. Internal to flows-service. The record travels whole, so the worker never
 * calls records-service and the batch runs on the records as they were when it started.
 */
@Serdeable
public record BatchRecordWork(String batchId, String organizationId, @Nullable String userId, String flowId,
                              String flowVersionId, @Nullable String scheduleRunId, SourceRecord record) {
}
