package dev.runloom.agents.loop;

import dev.runloom.models.ModelCall;

import java.time.Instant;

/** One loop iteration: one model call (with its tokens, cost and the price used) and the tools it ran. */
public record Iteration(int number, ModelCall call, int toolCalls, Instant startedAt, Instant completedAt) {
}
