package dev.runloom.records.records;

import io.micronaut.core.annotation.Nullable;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** A stored record: structured data with JSON metadata that flows and agents use as context. */
public record Record(String id,
                     String organizationId,
                     @Nullable String userId,
                     String type,
                     String name,
                     Map<String, Object> metadata,
                     @Nullable List<Map<String, Object>> messages,
                     Instant createdAt,
                     Instant updatedAt) {
}
