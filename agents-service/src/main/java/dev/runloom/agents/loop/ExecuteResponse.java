package dev.runloom.agents.loop;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;

import java.time.Duration;
import java.time.Instant;

/**
 * The JSON answer of {@code execute}: the fields of the stream's terminal {@code execution_complete}
 * event, with money as a decimal string as on execution rows. {@code error} ({@code code}, {@code message})
 * is set only when {@code status} is {@code failed}.
 */
@Serdeable
public record ExecuteResponse(String executionId, String agentId, String status, @Nullable String finalOutput,
                              int iterations, String stopReason, long totalTokens, String totalCost,
                              Instant startedAt, Instant completedAt, long durationMs, @Nullable Error error) {

    @Serdeable
    public record Error(String code, String message) {
    }

    static ExecuteResponse of(AgentExecutionOutcome outcome) {
        var execution = outcome.execution();
        var result = outcome.result();
        return new ExecuteResponse(execution.id(), execution.agentId(), result.status(), result.finalOutput(),
                result.iterations(), result.stopReason(), result.totalTokens(),
                result.totalCost().stripTrailingZeros().toPlainString(), execution.startedAt(), result.completedAt(),
                Duration.between(execution.startedAt(), result.completedAt()).toMillis(),
                outcome.error() == null ? null : new Error(outcome.error().code(), outcome.error().message()));
    }
}
