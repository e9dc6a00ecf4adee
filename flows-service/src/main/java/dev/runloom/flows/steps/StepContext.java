package dev.runloom.flows.steps;

import io.micronaut.core.annotation.Nullable;

import java.util.Map;

/**
 * What a step runs against: the execution's variables ({@code _record}, inputs, earlier outputs,
 * {@code previous_output}) and on whose behalf it runs. {@code idempotencyKey} is the same for every
 * attempt of this step in this execution (execution id + step id), so a write made through it
 * happens once however often the step is retried. {@code interactive}: someone waits for the answer
 * (model calls then go before batch work in the LLM governor).
 */
public record StepContext(Map<String, Object> variables, String organizationId, @Nullable String userId,
                          String flowId, String executionId, String stepId, String recordId, boolean interactive) {

    public StepContext(Map<String, Object> variables, String organizationId, @Nullable String userId,
                       String flowId, String executionId, String stepId, String recordId) {
        this(variables, organizationId, userId, flowId, executionId, stepId, recordId, false);
    }

    public dev.runloom.models.CallOrigin callOrigin() {
        return interactive ? dev.runloom.models.CallOrigin.interactive(organizationId)
                : dev.runloom.models.CallOrigin.batch(organizationId);
    }

    public String idempotencyKey() {
        return executionId + ":" + stepId;
    }
}
