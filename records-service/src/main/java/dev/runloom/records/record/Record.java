package dev.runloom.records.record;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;
import io.micronaut.data.annotation.TypeDef;
import io.micronaut.data.model.DataType;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** A stored record (table {@code records}): structured data with JSON metadata that flows and agents use as context. */
@MappedEntity("records")
public record Record(@Id String id,
                     String organizationId,
                     @Nullable String userId,
                     String type,
                     String name,
                     @TypeDef(type = DataType.JSON) Map<String, Object> metadata,
                     @Nullable @TypeDef(type = DataType.JSON) List<Map<String, Object>> messages,
                     @Nullable @TypeDef(type = DataType.JSON) Map<String, Object> metadataSchema,
                     @Nullable @TypeDef(type = DataType.JSON) Map<String, Object> metadataLabels,
                     Instant createdAt,
                     Instant updatedAt) {
}
