package dev.runloom.flows.flow;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;

import java.time.Instant;

/**
 * A flow row (table {@code flows}): identity, ownership and the two versions that matter.
 * {@code currentVersionId} is the newest version (what the editor shows); {@code publishedVersionId}
 * the one that runs, null until the flow is first published — until then the newest version runs,
 * so a flow created through the API runs at once. The draft is the newest version when it is not
 * the published one.
 */
@MappedEntity("flows")
public record Flow(@Id String id,
                   String organizationId,
                   @Nullable String userId,
                   String name,
                   @Nullable String description,
                   String currentVersionId,
                   @Nullable String publishedVersionId,
                   Instant createdAt,
                   Instant updatedAt,
                   @Nullable Instant lastRunAt) {

    /** Never published. */
    public static final String STATUS_DRAFT = "draft";
    /** Has a published version (which runs), whether or not a newer draft exists. */
    public static final String STATUS_ACTIVE = "active";

    /** The version executions use: the published one, or the newest while the flow was never published. */
    public String runningVersionId() {
        return publishedVersionId != null ? publishedVersionId : currentVersionId;
    }

    /** The newest version when it is not the published one; null when everything is published. */
    public @Nullable String draftVersionId() {
        return currentVersionId.equals(publishedVersionId) ? null : currentVersionId;
    }

    public String status() {
        return publishedVersionId == null ? STATUS_DRAFT : STATUS_ACTIVE;
    }
}
