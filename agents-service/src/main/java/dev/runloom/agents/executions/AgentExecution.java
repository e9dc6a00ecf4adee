package dev.runloom.agents.executions;

import dev.runloom.models.ChatMessage;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;
import io.micronaut.data.annotation.TypeDef;
import io.micronaut.data.model.DataType;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

/**
 * One run of the agent loop as stored (table {@code agent_executions}): written {@code running}
 * before the loop starts, finished with its totals when it ends (a run a schedule requested is
 * written once, already finished). {@code agentSpec} is the snapshot of
 * the agent it ran with (any JSON value); {@code totalCost} is the sum of its iterations' costs.
 */
@MappedEntity("agent_executions")
public record AgentExecution(@Id String id,
                             String agentId,
                             String organizationId,
                             String userId,
                             String agentSource,
                             @Nullable String parentExecutionId,
                             String surfaceType,
                             String status,
                             int iterations,
                             long totalTokens,
                             BigDecimal totalCost,
                             @Nullable String stopReason,
                             @Nullable String errorMessage,
                             Instant startedAt,
                             @Nullable Instant completedAt,
                             Instant createdAt,
                             @TypeDef(type = DataType.JSON) Object agentSpec,
                             @TypeDef(type = DataType.JSON) List<ChatMessage> inputMessages,
                             @Nullable String finalOutput) {

    /** The row of an execution about to run: {@code running}, nothing counted yet, created when it starts. */
    static AgentExecution running(NewExecution execution) {
        return new AgentExecution(execution.id(), execution.agentId(), execution.organizationId(), execution.userId(),
                execution.agentSource(), execution.parentExecutionId(), execution.surfaceType(),
                ExecutionStatus.RUNNING, 0, 0, BigDecimal.ZERO, null, null, execution.startedAt(), null,
                execution.startedAt(), execution.agentSpec(), execution.inputMessages(), null);
    }

    /** The row of an execution whose loop has already run: written once, with how it ended. */
    static AgentExecution finished(NewExecution execution, ExecutionResult result) {
        return new AgentExecution(execution.id(), execution.agentId(), execution.organizationId(), execution.userId(),
                execution.agentSource(), execution.parentExecutionId(), execution.surfaceType(), result.status(),
                result.iterations(), result.totalTokens(), result.totalCost(), result.stopReason(),
                result.errorMessage(), execution.startedAt(), result.completedAt(), execution.startedAt(),
                execution.agentSpec(), execution.inputMessages(), result.finalOutput());
    }

    /** How the execution ended (or stands, while not ended) as stored. */
    public ExecutionResult result() {
        return new ExecutionResult(status, iterations, totalTokens, totalCost, stopReason, errorMessage, finalOutput,
                completedAt);
    }

    /** The execution as it was started, to go on with it (a paused one). */
    public NewExecution asNew() {
        return new NewExecution(id, agentId, organizationId, userId, agentSource, parentExecutionId, surfaceType,
                startedAt, agentSpec, inputMessages);
    }
}
