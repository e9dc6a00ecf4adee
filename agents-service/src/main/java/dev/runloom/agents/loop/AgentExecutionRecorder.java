package dev.runloom.agents.loop;

import dev.runloom.agents.events.AgentEvents;
import dev.runloom.agents.events.AgentExecutionCompletedV1;
import dev.runloom.agents.executions.ExecutionIteration;
import dev.runloom.agents.executions.ExecutionRepository;
import dev.runloom.agents.executions.ExecutionResult;
import dev.runloom.agents.executions.ExecutionStatus;
import dev.runloom.agents.executions.NewExecution;
import dev.runloom.kernel.events.OutgoingEvent;
import dev.runloom.kernel.outbox.Outbox;
import dev.runloom.models.ModelCall;
import jakarta.inject.Singleton;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * What an agent execution writes: the {@code running} row before the loop, then the iterations, the
 * final state and the {@code AgentExecutionCompletedV1} event. Runs inside the transactions of
 * {@link AgentExecutor}'s persistence steps (the outbox requires one).
 */
@Singleton
public class AgentExecutionRecorder {
    private final ExecutionRepository executions;
    private final Outbox outbox;

    public AgentExecutionRecorder(ExecutionRepository executions, Outbox outbox) {
        this.executions = executions;
        this.outbox = outbox;
    }

    public void start(NewExecution execution) {
        executions.insertRunning(execution);
    }

    public ExecutionResult finish(NewExecution execution, LoopOutcome outcome) {
        List<ExecutionIteration> iterations = outcome.iterations().stream()
                .map(it -> iteration(execution, it))
                .toList();
        Instant completedAt = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        ExecutionResult result = new ExecutionResult(
                outcome.failed() ? ExecutionStatus.FAILED : ExecutionStatus.COMPLETED,
                iterations.size(), outcome.totalTokens(), outcome.totalCost(), outcome.stopReason(),
                outcome.failed() ? outcome.error().message() : null, outcome.finalOutput(),
                completedAt.isBefore(execution.startedAt()) ? execution.startedAt() : completedAt);
        executions.insertIterations(iterations);
        executions.finish(execution.organizationId(), execution.id(), result);
        outbox.append(OutgoingEvent.of(AgentEvents.EXECUTION_COMPLETED, execution.id(), execution.id(),
                execution.organizationId(),
                new AgentExecutionCompletedV1(execution.id(), execution.agentId(), execution.organizationId(),
                        execution.parentExecutionId(), result.status(), result.stopReason(), result.iterations(),
                        result.totalTokens(), result.totalCost(), execution.startedAt(), result.completedAt())));
        return result;
    }

    private static ExecutionIteration iteration(NewExecution execution, Iteration it) {
        ModelCall call = it.call();
        var usage = call.response().usage();
        return new ExecutionIteration(new ExecutionIteration.Key(execution.id(), it.number()),
                execution.organizationId(), call.response().model(), usage.promptTokens(), usage.completionTokens(),
                usage.cachedPromptTokens(), usage.totalTokens(), call.cost(), call.price().inputPerMillion(),
                call.price().outputPerMillion(), call.price().cachedInputPerMillion(), call.response().finishReason(),
                call.response().text(), it.toolCalls(), call.durationMs(), it.startedAt(), it.completedAt());
    }
}
