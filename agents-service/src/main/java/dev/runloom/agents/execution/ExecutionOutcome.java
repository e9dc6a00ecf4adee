package dev.runloom.agents.execution;

import dev.runloom.agents.executions.ExecutionResult;
import dev.runloom.agents.executions.NewExecution;
import io.micronaut.core.annotation.Nullable;

/** A finished execution as the caller of {@code execute} gets it back. */
public record ExecutionOutcome(NewExecution execution, ExecutionResult result, @Nullable LoopOutcome.LoopError error) {
}
