package dev.runloom.agents.executions;

import io.micronaut.core.annotation.Nullable;

import java.math.BigDecimal;
import java.time.Instant;

/** How an execution ended, written when it leaves {@code running}. */
public record ExecutionResult(String status, int iterations, long totalTokens, BigDecimal totalCost,
                              String stopReason, @Nullable String errorMessage, @Nullable String finalOutput,
                              Instant completedAt) {
}
