package dev.runloom.agents.events;

import io.micronaut.core.annotation.Creator;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;

import java.math.BigDecimal;
import java.time.Instant;

/**
 * Topic runloom.agents.executions.v1, key = execution id. {@code scheduleRunId} is set when a
 * schedule started the execution (schedules-service projects the run's outcome from it).
 * {@code model} (added later, so null from older producers) is the model the agent is configured with;
 * the cost ledger books the execution's cost under it.
 */
@Serdeable
public record AgentExecutionCompletedV1(String executionId, String agentId, String organizationId,
                                        @Nullable String parentExecutionId, String status, String stopReason,
                                        int iterations, long totalTokens, BigDecimal totalCost,
                                        Instant startedAt, Instant completedAt, @Nullable String scheduleRunId,
                                        @Nullable String model) {

    /** The canonical constructor is the one JSON is read with. */
    @Creator
    public AgentExecutionCompletedV1 {
    }

    /** The event as producers wrote it before {@code model} existed. */
    public AgentExecutionCompletedV1(String executionId, String agentId, String organizationId,
                                     @Nullable String parentExecutionId, String status, String stopReason,
                                     int iterations, long totalTokens, BigDecimal totalCost,
                                     Instant startedAt, Instant completedAt, @Nullable String scheduleRunId) {
        this(executionId, agentId, organizationId, parentExecutionId, status, stopReason, iterations, totalTokens,
                totalCost, startedAt, completedAt, scheduleRunId, null);
    }
}
