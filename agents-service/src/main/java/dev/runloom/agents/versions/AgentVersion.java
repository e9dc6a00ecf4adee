package dev.runloom.agents.versions;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;
import io.micronaut.data.annotation.TypeDef;
import io.micronaut.data.model.DataType;

import java.time.Instant;

/**
 * An immutable snapshot of an agent's definition (table {@code agent_versions}); {@code agentConfig}
 * is the {@link AgentSnapshot} taken when it was published.
 */
@MappedEntity("agent_versions")
public record AgentVersion(@Id String id,
                           String agentId,
                           String organizationId,
                           int versionNumber,
                           @TypeDef(type = DataType.JSON) AgentSnapshot agentConfig,
                           @Nullable String label,
                           @Nullable String notes,
                           Instant createdAt) {
    public static final String TYPE_DRAFT = "draft";
    public static final String TYPE_PUBLISHED = "published";
    /** Neither published nor the draft: a version published before. */
    public static final String TYPE_ARCHIVED = "archived";

    /** {@code draft}, {@code published} or {@code archived}, from where the agent's pointers are. */
    public String versionType(@Nullable String publishedVersionId, @Nullable String draftVersionId) {
        if (id.equals(publishedVersionId)) {
            return TYPE_PUBLISHED;
        }
        return id.equals(draftVersionId) ? TYPE_DRAFT : TYPE_ARCHIVED;
    }
}
