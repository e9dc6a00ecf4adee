package dev.runloom.agents.executions;

import io.micronaut.core.annotation.Nullable;

import java.math.BigDecimal;
import java.time.Instant;

/**
 * An execution as lists show it: the {@code agent_executions} columns without the heavy agent spec,
 * input messages and output, which a page of a hundred rows should not read.
 */
public record ExecutionSummary(String id, String agentId, String organizationId, String agentSource,
                               @Nullable String parentExecutionId, String surfaceType, String status, int iterations,
                               long totalTokens, BigDecimal totalCost, @Nullable String stopReason,
                               Instant startedAt, @Nullable Instant completedAt, Instant createdAt) {
}
