package dev.runloom.flows.steps;

import io.micronaut.core.annotation.Nullable;

import java.util.Map;

/**
 * What a step runs against: the execution's variables ({@code _record}, inputs, earlier outputs,
 * {@code previous_output}) and on whose behalf it runs. {@code idempotencyKey} is the same for every
 * attempt of this step in this execution (execution id + step id), so a write made through it
 * happens once however often the step is retried.
 */
public record StepContext(Map<String, Object> variables, String organizationId, @Nullable String userId,
                          String flowId, String executionId, String stepId, String recordId) {

    public String idempotencyKey() {
        return executionId + ":" + stepId;
    }
}
