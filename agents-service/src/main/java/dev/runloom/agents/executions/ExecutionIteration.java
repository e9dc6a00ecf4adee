package dev.runloom.agents.executions;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.Embeddable;
import io.micronaut.data.annotation.EmbeddedId;
import io.micronaut.data.annotation.MappedEntity;
import io.micronaut.data.annotation.MappedProperty;

import java.math.BigDecimal;
import java.time.Instant;

/**
 * One persisted loop iteration (table {@code agent_iterations}, keyed by execution and iteration
 * number): the model call's tokens and cost with the price that produced the cost.
 */
@MappedEntity("agent_iterations")
public record ExecutionIteration(@EmbeddedId Key key,
                                 String organizationId,
                                 String model,
                                 long promptTokens,
                                 long completionTokens,
                                 long cachedPromptTokens,
                                 long totalTokens,
                                 BigDecimal cost,
                                 BigDecimal priceInputPerMillion,
                                 BigDecimal priceOutputPerMillion,
                                 BigDecimal priceCachedInputPerMillion,
                                 @Nullable String finishReason,
                                 @Nullable String output,
                                 int toolCalls,
                                 long durationMs,
                                 Instant startedAt,
                                 Instant completedAt) {

    /** The primary key {@code (execution_id, iteration)}. */
    @Embeddable
    public record Key(@MappedProperty("execution_id") String executionId,
                      @MappedProperty("iteration") int iteration) {
    }
}
