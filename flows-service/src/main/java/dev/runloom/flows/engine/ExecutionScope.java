package dev.runloom.flows.engine;

import io.micronaut.core.annotation.Nullable;

import java.util.Map;

/**
 * On whose behalf, as part of what and with which inputs an execution runs. {@code inputs} are the
 * variables a schedule gives its flow: they start the execution context beside {@code _record}, and
 * a name the engine reserves ({@code _record}, {@code previous_output}) is never taken from them.
 */
public record ExecutionScope(String organizationId, @Nullable String userId, @Nullable String batchId,
                             @Nullable String scheduleRunId, Map<String, Object> inputs) {

    public ExecutionScope {
        inputs = inputs == null ? Map.of() : inputs;
    }

    /** A scope without inputs (run-on-record-type). */
    public ExecutionScope(String organizationId, @Nullable String userId, @Nullable String batchId,
                          @Nullable String scheduleRunId) {
        this(organizationId, userId, batchId, scheduleRunId, Map.of());
    }
}
