package dev.runloom.agents.events;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;

import java.math.BigDecimal;
import java.time.Instant;

/**
 * Topic runloom.agents.executions.v1, key = execution id. {@code scheduleRunId} is set when a
 * schedule started the execution (schedules-service projects the run's outcome from it).
 */
@Serdeable
public record AgentExecutionCompletedV1(String executionId, String agentId, String organizationId,
                                        @Nullable String parentExecutionId, String status, String stopReason,
                                        int iterations, long totalTokens, BigDecimal totalCost,
                                        Instant startedAt, Instant completedAt, @Nullable String scheduleRunId) {
}
