package dev.runloom.agents.executions;

import dev.runloom.models.ChatMessage;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;

import java.time.Instant;
import java.util.List;

/**
 * A10: an execution with what lists leave out — {@code agentSpec}, {@code inputMessages},
 * {@code finalOutput}, {@code errorMessage} — and {@code iterationDetails}, one entry per model call
 * (the reference's detail page is cut at "iterati…"; the name is ours).
 */
@Serdeable
public record AgentExecutionDetail(String id, String agentId, String agentSource, String executionId,
                                   @Nullable String parentExecutionId, String surfaceType, String status,
                                   int iterations, String totalCost, @Nullable String stopReason, Instant startedAt,
                                   @Nullable Instant completedAt, Instant createdAt, @Nullable Object agentSpec,
                                   long totalTokens, List<ChatMessage> inputMessages, @Nullable String finalOutput,
                                   @Nullable String errorMessage, List<IterationView> iterationDetails) {

    static AgentExecutionDetail of(AgentExecution e, List<IterationView> iterations) {
        return new AgentExecutionDetail(e.id(), e.agentId(), e.agentSource(), e.id(), e.parentExecutionId(),
                e.surfaceType(), e.status(), e.iterations(), e.totalCost().stripTrailingZeros().toPlainString(),
                e.stopReason(), e.startedAt(), e.completedAt(), e.createdAt(), e.agentSpec(), e.totalTokens(),
                e.inputMessages(), e.finalOutput(), e.errorMessage(), iterations);
    }
}
