package dev.runloom.flows.batches;

import io.micronaut.core.annotation.Nullable;

import java.util.Map;

/**
 * What a batch is asked to be beyond its flow and records: its id when the caller minted it (a
 * schedule run's {@code batchId}, which makes a redelivered request a no-op), the schedule run it
 * belongs to, the inputs its flow sees beside {@code _record}, and its options.
 */
public record BatchRequest(@Nullable String batchId, @Nullable String scheduleRunId, Map<String, Object> inputs,
                           BatchOptions options) {

    public BatchRequest {
        inputs = inputs == null ? Map.of() : inputs;
        options = options == null ? BatchOptions.DEFAULTS : options;
    }

    /** {@code run-on-record-type}: a fresh id, no schedule run, no inputs, default options. */
    public static BatchRequest adHoc() {
        return new BatchRequest(null, null, Map.of(), BatchOptions.DEFAULTS);
    }
}
