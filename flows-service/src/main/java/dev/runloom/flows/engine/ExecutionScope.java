package dev.runloom.flows.engine;

import io.micronaut.core.annotation.Nullable;

import java.util.Map;

/**
 * On whose behalf, as part of what and with which inputs an execution runs. {@code inputs} are the
 * variables a schedule gives its flow: they start the execution context beside {@code _record}, and
 * a name the engine reserves ({@code _record}, {@code previous_output}) is never taken from them.
 * {@code interactive}: someone waits for the answer (an inline run): its model calls go before batch
 * work in the LLM governor.
 */
public record ExecutionScope(String organizationId, @Nullable String userId, @Nullable String batchId,
                             @Nullable String scheduleRunId, Map<String, Object> inputs, boolean interactive) {

    public ExecutionScope {
        inputs = inputs == null ? Map.of() : inputs;
    }

    /** A fanned-out (batch priority) execution. */
    public ExecutionScope(String organizationId, @Nullable String userId, @Nullable String batchId,
                          @Nullable String scheduleRunId, Map<String, Object> inputs) {
        this(organizationId, userId, batchId, scheduleRunId, inputs, false);
    }

    public ExecutionScope interactively() {
        return new ExecutionScope(organizationId, userId, batchId, scheduleRunId, inputs, true);
    }

    /** A scope without inputs (run-on-record-type). */
    public ExecutionScope(String organizationId, @Nullable String userId, @Nullable String batchId,
                          @Nullable String scheduleRunId) {
        this(organizationId, userId, batchId, scheduleRunId, Map.of());
    }
}
