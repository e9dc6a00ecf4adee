package dev.runloom.agents.execution;

import dev.runloom.agents.executions.ExecutionIteration;
import dev.runloom.agents.executions.ExecutionRepository;
import dev.runloom.agents.executions.ExecutionResult;
import dev.runloom.agents.executions.ExecutionStatus;
import dev.runloom.agents.executions.NewExecution;
import dev.runloom.kernel.events.OutgoingEvent;
import dev.runloom.kernel.events.Topics;
import dev.runloom.agents.events.AgentExecutionCompletedV1;
import dev.runloom.kernel.events.EventTypes;
import dev.runloom.kernel.outbox.Outbox;
import io.micronaut.transaction.annotation.Transactional;
import jakarta.inject.Singleton;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * The two transactions of an execution: the {@code running} row before the loop (so a long run is
 * visible while it runs, and the model calls hold no transaction open), then the iterations, the final
 * state and the {@code AgentExecutionCompletedV1} event together.
 */
@Singleton
public class ExecutionRecorder {
    private final ExecutionRepository executions;
    private final Outbox outbox;

    public ExecutionRecorder(ExecutionRepository executions, Outbox outbox) {
        this.executions = executions;
        this.outbox = outbox;
    }

    @Transactional
    public void start(NewExecution execution) {
        executions.insertRunning(execution);
    }

    @Transactional
    public ExecutionResult finish(NewExecution execution, LoopOutcome outcome) {
        List<ExecutionIteration> iterations = outcome.iterations().stream()
                .map(it -> new ExecutionIteration(execution.id(), it.number(), execution.organizationId(),
                        it.call().response().model(), it.call().response().usage(), it.call().cost(),
                        it.call().price(), it.call().response().finishReason(), it.call().response().text(),
                        it.toolCalls(), it.call().durationMs(), it.startedAt(), it.completedAt()))
                .toList();
        Instant completedAt = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        ExecutionResult result = new ExecutionResult(
                outcome.failed() ? ExecutionStatus.FAILED : ExecutionStatus.COMPLETED,
                iterations.size(), outcome.totalTokens(), outcome.totalCost(), outcome.stopReason(),
                outcome.failed() ? outcome.error().message() : null, outcome.finalOutput(),
                completedAt.isBefore(execution.startedAt()) ? execution.startedAt() : completedAt);
        executions.insertIterations(iterations);
        executions.finish(execution.organizationId(), execution.id(), result);
        outbox.append(new OutgoingEvent(Topics.AGENT_EXECUTIONS, execution.id(), EventTypes.AGENT_EXECUTION_COMPLETED,
                execution.id(), execution.organizationId(),
                new AgentExecutionCompletedV1(execution.id(), execution.agentId(), execution.organizationId(),
                        execution.parentExecutionId(), result.status(), result.stopReason(), result.iterations(),
                        result.totalTokens(), result.totalCost(), execution.startedAt(), result.completedAt())));
        return result;
    }
}
