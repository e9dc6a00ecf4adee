package dev.runloom.agents.loop;

import dev.runloom.agents.executions.ExecutionResult;
import dev.runloom.agents.executions.NewExecution;
import io.micronaut.core.annotation.Nullable;

/**
 * An agent execution as the caller of {@code execute} (or approve/resume) gets it back: finished, or
 * {@code paused} with its {@code pause} (then {@code result} holds the totals so far).
 */
public record AgentExecutionOutcome(NewExecution execution, ExecutionResult result,
                                    @Nullable LoopOutcome.LoopError error, @Nullable LoopPause pause) {

    public AgentExecutionOutcome(NewExecution execution, ExecutionResult result, @Nullable LoopOutcome.LoopError error) {
        this(execution, result, error, null);
    }
}
