package dev.runloom.agents.agents;

import io.micronaut.core.annotation.Nullable;

import java.time.Instant;

/** An agent as stored. Only native agents exist today, so {@code config} is always the native config. */
public record Agent(String id, String organizationId, String userId, String name, @Nullable String description,
                    @Nullable String icon, String agentType, @Nullable String primaryFlowId, AgentConfig config,
                    String status, @Nullable String publishedVersionId, @Nullable String draftVersionId,
                    Instant createdAt, Instant updatedAt) {
    public static final String TYPE_RUNTYPE = "runtype";
    public static final String STATUS_ACTIVE = "active";
}
