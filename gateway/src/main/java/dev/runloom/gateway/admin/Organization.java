package dev.runloom.gateway.admin;

import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;

import java.time.Instant;

/** An organization created through the admin path (table {@code organizations}). */
@MappedEntity("organizations")
public record Organization(@Id String id, String name, Instant createdAt) {
}
