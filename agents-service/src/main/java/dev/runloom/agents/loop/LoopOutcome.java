package dev.runloom.agents.loop;

import io.micronaut.core.annotation.Nullable;

import java.math.BigDecimal;
import java.util.List;

/**
 * How a run of the loop ended. {@code error} is set only when it stopped with {@link StopReasons#ERROR}
 * (or {@link StopReasons#APPROVAL_DENIED}). {@code pause} is set when it did not end but paused (A17/A18):
 * then {@code stopReason} is null and the lists hold what ran before the pause.
 */
public record LoopOutcome(List<Iteration> iterations, List<ToolCallRecord> toolCalls, @Nullable String finalOutput,
                          @Nullable String stopReason, @Nullable LoopError error, @Nullable LoopPause pause) {

    public LoopOutcome(List<Iteration> iterations, List<ToolCallRecord> toolCalls, @Nullable String finalOutput,
                       String stopReason, @Nullable LoopError error) {
        this(iterations, toolCalls, finalOutput, stopReason, error, null);
    }

    public boolean paused() {
        return pause != null;
    }

    public record LoopError(String code, String message) {
    }

    public boolean failed() {
        return error != null;
    }

    /** The execution's own model tokens plus what its tools spent (sub-agents' and flows' runs roll up). */
    public long totalTokens() {
        return iterations.stream().mapToLong(i -> i.call().response().usage().totalTokens()).sum()
                + toolCalls.stream().mapToLong(c -> c.outcome().tokens()).sum();
    }

    /** The execution's own model cost plus its tools' (a parent's cost = its own + its children's). */
    public BigDecimal totalCost() {
        return iterations.stream().map(i -> i.call().cost()).reduce(BigDecimal.ZERO, BigDecimal::add)
                .add(toolCalls.stream().map(c -> c.outcome().cost()).reduce(BigDecimal.ZERO, BigDecimal::add));
    }
}
