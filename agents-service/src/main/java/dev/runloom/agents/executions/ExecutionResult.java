package dev.runloom.agents.executions;

import io.micronaut.core.annotation.Nullable;

import java.math.BigDecimal;
import java.time.Instant;

/**
 * How an execution ended, written when it leaves {@code running}; for a {@code paused} one, its totals
 * so far ({@code stopReason} and {@code completedAt} null).
 */
public record ExecutionResult(String status, int iterations, long totalTokens, BigDecimal totalCost,
                              @Nullable String stopReason, @Nullable String errorMessage,
                              @Nullable String finalOutput, @Nullable Instant completedAt) {
}
