package dev.runloom.agents.references;

import io.micronaut.serde.annotation.Serdeable;

/** An agent that uses a flow, as flows-service names it in a refusal to delete. */
@Serdeable
public record Referrer(String id, String name) {
}
