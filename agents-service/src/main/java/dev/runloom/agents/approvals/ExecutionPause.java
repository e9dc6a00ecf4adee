package dev.runloom.agents.approvals;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;

import java.time.Instant;

/**
 * A pause of an execution (table {@code agent_execution_pauses}): an approval or an await for client
 * tool outputs. {@code state} is the loop's {@code LoopPause} as JSON text while {@code pending}; it is
 * cleared when the pause is decided.
 */
@MappedEntity("agent_execution_pauses")
public record ExecutionPause(@Id String id, String executionId, String organizationId, String kind, String status,
                             @Nullable String toolName, @Nullable String state, Instant createdAt,
                             @Nullable Instant decidedAt, @Nullable String decidedBy) {
    public static final String PENDING = "pending";
    public static final String APPROVED = "approved";
    public static final String DENIED = "denied";
    public static final String RESUMED = "resumed";
}
