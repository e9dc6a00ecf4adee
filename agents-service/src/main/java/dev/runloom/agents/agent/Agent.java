package dev.runloom.agents.agent;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;
import io.micronaut.data.annotation.TypeDef;
import io.micronaut.data.model.DataType;

import java.time.Instant;

/**
 * An agent as stored (table {@code agents}). Only native agents exist today, so {@code config} is
 * always the native config (a JSONB column).
 */
@MappedEntity("agents")
public record Agent(@Id String id,
                    String organizationId,
                    String userId,
                    String name,
                    @Nullable String description,
                    @Nullable String icon,
                    String agentType,
                    @Nullable String primaryFlowId,
                    @TypeDef(type = DataType.JSON) AgentConfig config,
                    String status,
                    @Nullable String publishedVersionId,
                    @Nullable String draftVersionId,
                    Instant createdAt,
                    Instant updatedAt) {
    public static final String TYPE_RUNTYPE = "runtype";
    /** A remote A2A agent ({@code a2a.ExternalAgents}); its external config and card live beside it. */
    public static final String TYPE_EXTERNAL = "external";
    public static final String STATUS_ACTIVE = "active";
}
