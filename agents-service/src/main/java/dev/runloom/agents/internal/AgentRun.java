package dev.runloom.agents.internal;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;

/**
 * The answer of an internal agent run: the execution, how it ended, its output, tokens and cost
 * (decimal string); {@code replayed} when the idempotency key had run the agent before.
 */
@Serdeable
public record AgentRun(String executionId, String agentId, String status, @Nullable String finalOutput,
                       long totalTokens, String totalCost, @Nullable String error, boolean replayed) {
}
