package dev.runloom.agents.executions;

import io.micronaut.core.annotation.Nullable;

import java.time.Instant;

/**
 * Which executions a list shows. {@code parentExecutionId} and {@code executionId} are the reference's
 * "cross-agent sub-agent drill-down": with either, executions of every agent of the organization match
 * (a sub-agent's run belongs to another agent than its parent's). {@code from} is inclusive and
 * {@code to} exclusive, both on {@code createdAt}.
 */
public record ExecutionFilter(String organizationId, String agentId, @Nullable String status,
                              @Nullable String surfaceType, @Nullable Instant from, @Nullable Instant to,
                              @Nullable String parentExecutionId, @Nullable String executionId) {

    boolean crossAgent() {
        return parentExecutionId != null || executionId != null;
    }
}
