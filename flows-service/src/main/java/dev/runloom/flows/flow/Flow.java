package dev.runloom.flows.flow;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;

import java.time.Instant;

/** A flow row (table {@code flows}): identity, ownership and the version that runs. */
@MappedEntity("flows")
public record Flow(@Id String id,
                   String organizationId,
                   @Nullable String userId,
                   String name,
                   @Nullable String description,
                   String currentVersionId,
                   Instant createdAt,
                   Instant updatedAt,
                   @Nullable Instant lastRunAt) {
}
