package dev.runloom.flows.toolruns;

import dev.runloom.flows.engine.FlowExecutionOutcome;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;

/**
 * How a flow run for an agent tool ended: the flow execution (its step results are read with
 * {@code GET /v1/flows/:id/step-results}), status, the flow's result — the value of its last record
 * result (the last prompt step's output, or the last step's when it has no prompt) — tokens and cost
 * (a decimal string).
 */
@Serdeable
public record FlowToolRun(String executionId, String flowId, String flowVersionId, String status, boolean success,
                          @Nullable String error, @Nullable Object result, long totalTokens, String totalCost,
                          long durationMs) {

    static FlowToolRun of(FlowExecutionOutcome o) {
        Object result = o.results().isEmpty() ? null : o.results().getLast().result();
        return new FlowToolRun(o.executionId(), o.flowId(), o.flowVersionId(), o.status(), o.success(), o.error(),
                result, o.totalTokens(), o.totalCost().stripTrailingZeros().toPlainString(), o.durationMs());
    }
}
