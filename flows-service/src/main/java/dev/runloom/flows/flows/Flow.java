package dev.runloom.flows.flows;

import io.micronaut.core.annotation.Nullable;

import java.time.Instant;

/** A flow row: identity, ownership and the version that runs. */
public record Flow(String id, String organizationId, @Nullable String userId, String name,
                   @Nullable String description, String currentVersionId, Instant createdAt, Instant updatedAt,
                   @Nullable Instant lastRunAt) {
}
