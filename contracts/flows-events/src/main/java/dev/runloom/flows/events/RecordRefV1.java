package dev.runloom.flows.events;

import io.micronaut.serde.annotation.Serdeable;

/** The identity of a record as other services see it. */
@Serdeable
public record RecordRefV1(String id, String name, String type) {
}
