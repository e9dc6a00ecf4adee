package dev.runloom.agents.loop;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.json.JsonMapper;
import io.micronaut.serde.annotation.Serdeable;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The JSON answer of {@code execute} (and of approve/resume): the fields of the stream's terminal
 * {@code execution_complete} event, with money as a decimal string as on execution rows. {@code error}
 * ({@code code}, {@code message}) is set only when {@code status} is {@code failed} or {@code cancelled}.
 * A {@code paused} execution (A17/A18) has no {@code stopReason} or {@code completedAt} yet, its totals
 * so far, and either {@code approval} (the tool call waiting for a decision) or
 * {@code awaitingToolCalls} (client-side calls whose outputs {@code resume} takes); these two fields
 * are present only then.
 */
@Serdeable
public record ExecuteResponse(String executionId, String agentId, String status, @Nullable String finalOutput,
                              int iterations, @Nullable String stopReason, long totalTokens, String totalCost,
                              Instant startedAt, @Nullable Instant completedAt, long durationMs, @Nullable Error error,
                              @JsonInclude(JsonInclude.Include.NON_NULL) @Nullable PendingCall approval,
                              @JsonInclude(JsonInclude.Include.NON_NULL) @Nullable List<PendingCall> awaitingToolCalls) {

    @Serdeable
    public record Error(String code, String message) {
    }

    /** A tool call the paused execution waits on; {@code approvalId} only for an approval. */
    @Serdeable
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record PendingCall(@Nullable String approvalId, String toolCallId, String providerCallId, String toolName,
                              @Nullable Object parameters) {
    }

    public static ExecuteResponse of(AgentExecutionOutcome outcome, JsonMapper json) {
        var execution = outcome.execution();
        var result = outcome.result();
        LoopPause pause = outcome.pause();
        Instant end = result.completedAt() == null ? Instant.now() : result.completedAt();
        PendingCall approval = null;
        List<PendingCall> awaiting = null;
        if (pause != null && LoopPause.APPROVAL.equals(pause.kind())) {
            approval = pending(pause.id(), pause.first(), json);
        } else if (pause != null) {
            awaiting = pause.awaited().stream().map(c -> pending(null, c, json)).toList();
        }
        return new ExecuteResponse(execution.id(), execution.agentId(), result.status(), result.finalOutput(),
                result.iterations(), result.stopReason(), result.totalTokens(),
                result.totalCost().stripTrailingZeros().toPlainString(), execution.startedAt(), result.completedAt(),
                Duration.between(execution.startedAt(), end).toMillis(),
                outcome.error() == null ? null : new Error(outcome.error().code(), outcome.error().message()),
                approval, awaiting);
    }

    private static PendingCall pending(@Nullable String approvalId, PendingToolCall call, JsonMapper json) {
        Object parameters;
        try {
            parameters = json.readValue(call.argumentsJson(), Object.class);
        } catch (IOException | RuntimeException e) {
            parameters = call.argumentsJson();
        }
        return new PendingCall(approvalId, call.id(), call.providerCallId(), call.name(),
                parameters == null ? Map.of() : parameters);
    }
}
