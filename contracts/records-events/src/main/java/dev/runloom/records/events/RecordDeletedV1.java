package dev.runloom.records.events;

import io.micronaut.serde.annotation.Serdeable;

import java.time.Instant;

/**
 * Topic runloom.records.records.v1, key = record id. The record is gone; consumers drop what they
 * keep for it (flows-service: its step results).
 */
@Serdeable
public record RecordDeletedV1(String recordId, String organizationId, String type, Instant deletedAt) {
}
