package dev.runloom.records.events;

import io.micronaut.serde.annotation.Serdeable;

import java.time.Instant;
import java.util.Map;

/** Topic runloom.records.records.v1, key = record id. The record as it is after the change. */
@Serdeable
public record RecordUpdatedV1(String recordId, String organizationId, String userId, String type, String name,
                              Map<String, Object> metadata, Instant createdAt, Instant updatedAt) {
}
