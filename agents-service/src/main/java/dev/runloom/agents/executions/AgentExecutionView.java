package dev.runloom.agents.executions;

import dev.runloom.models.ChatMessage;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;

import java.time.Instant;
import java.util.List;

/**
 * An execution as {@code GET /v1/agents/:id/executions} shows it (seed 004): money as a decimal
 * string, and {@code agentSpec} / {@code inputMessages} null in lists (they belong to the detail view).
 */
@Serdeable
public record AgentExecutionView(String id, String agentId, String agentSource, String executionId,
                                 @Nullable String parentExecutionId, String surfaceType, String status,
                                 int iterations, String totalCost, @Nullable String stopReason, Instant startedAt,
                                 @Nullable Instant completedAt, Instant createdAt, @Nullable Object agentSpec,
                                 long totalTokens, @Nullable List<ChatMessage> inputMessages) {

    static AgentExecutionView listItem(ExecutionSummary execution) {
        return new AgentExecutionView(execution.id(), execution.agentId(), execution.agentSource(), execution.id(),
                execution.parentExecutionId(), execution.surfaceType(), execution.status(), execution.iterations(),
                execution.totalCost().stripTrailingZeros().toPlainString(), execution.stopReason(),
                execution.startedAt(), execution.completedAt(), execution.createdAt(), null, execution.totalTokens(),
                null);
    }
}
