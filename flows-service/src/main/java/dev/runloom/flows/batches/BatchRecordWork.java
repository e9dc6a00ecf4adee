package dev.runloom.flows.batches;

import dev.runloom.flows.recordsource.SourceRecord;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;

import java.util.Map;

/**
 * Payload of a work item on {@code runloom.flows.batch-work.v1} (type
 * {@code runloom.flows.batch-record.work.v1}, key = record id): run one flow version for one record
 * as part of a batch. Internal to flows-service. The record travels whole, so the worker never
 * calls records-service and the batch runs on the records as they were when it started; so do the
 * batch's {@code inputs} (variables beside {@code _record}; null: none) and the {@code options} a
 * worker applies (null, as in items queued before options existed: the defaults).
 */
@Serdeable
public record BatchRecordWork(String batchId, String organizationId, @Nullable String userId, String flowId,
                              String flowVersionId, @Nullable String scheduleRunId, SourceRecord record,
                              @Nullable Map<String, Object> inputs, @Nullable Options options,
                              @Nullable Replay replay) {

    public BatchRecordWork(String batchId, String organizationId, @Nullable String userId, String flowId,
                           String flowVersionId, @Nullable String scheduleRunId, SourceRecord record,
                           @Nullable Map<String, Object> inputs, @Nullable Options options) {
        this(batchId, organizationId, userId, flowId, flowVersionId, scheduleRunId, record, inputs, options, null);
    }

    /**
     * A replayed record ({@code POST /v1/batch/:id/replay}): start at {@code fromIndex} (0-based top-level
     * step of this item's version) with the variables the record's execution in batch {@code replayOf}
     * had when its step {@code sourceStepId} (the step at that index in the old batch's version) started.
     */
    @Serdeable
    public record Replay(String replayOf, int fromIndex, String sourceStepId) {
    }

    /** The batch's options that matter to a worker (see {@link BatchOptions}). */
    @Serdeable
    public record Options(int recordConcurrency, @Nullable Long timeoutMs, int maxRetries) {
        public static final Options DEFAULTS = BatchOptions.DEFAULTS.forWorkers();
    }

    Options optionsOrDefaults() {
        return options == null ? Options.DEFAULTS : options;
    }
}
