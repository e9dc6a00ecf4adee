package dev.runloom.agents.events;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;

import java.math.BigDecimal;
import java.time.Instant;

/** Topic runloom.agents.executions.v1, key = execution id. */
@Serdeable
public record AgentExecutionCompletedV1(String executionId, String agentId, String organizationId,
                                        @Nullable String parentExecutionId, String status, String stopReason,
                                        int iterations, long totalTokens, BigDecimal totalCost,
                                        Instant startedAt, Instant completedAt) {
}
