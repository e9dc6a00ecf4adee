package dev.runloom.records.record;

import io.micronaut.core.annotation.Nullable;

import java.util.List;
import java.util.Map;

/** A validated request to create a record (the HTTP layer checks shapes and lengths). */
public record NewRecord(String type, String name, Map<String, Object> metadata,
                        @Nullable List<Map<String, Object>> messages,
                        @Nullable Map<String, Object> metadataSchema,
                        @Nullable Map<String, Object> metadataLabels) {
}
