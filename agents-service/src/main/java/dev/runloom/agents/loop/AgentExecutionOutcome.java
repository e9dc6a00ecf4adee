package dev.runloom.agents.loop;

import dev.runloom.agents.executions.ExecutionResult;
import dev.runloom.agents.executions.NewExecution;
import io.micronaut.core.annotation.Nullable;

/** A finished agent execution as the caller of {@code execute} gets it back. */
public record AgentExecutionOutcome(NewExecution execution, ExecutionResult result,
                                    @Nullable LoopOutcome.LoopError error) {
}
