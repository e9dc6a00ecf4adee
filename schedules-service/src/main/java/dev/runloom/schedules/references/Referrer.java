package dev.runloom.schedules.references;

import io.micronaut.serde.annotation.Serdeable;

/** A schedule that targets a flow, as flows-service names it in a refusal to delete. */
@Serdeable
public record Referrer(String id, String name) {
}
