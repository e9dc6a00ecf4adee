package dev.runloom.records.record;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** A record as the API shows it (reference §2.2). */
@Serdeable
public record RecordResponse(String id,
                             @Nullable String userId,
                             String organizationId,
                             String type,
                             String name,
                             Map<String, Object> metadata,
                             @Nullable List<Map<String, Object>> messages,
                             @Nullable String productSurfaceId,
                             @Nullable Map<String, Object> metadataSchema,
                             @Nullable Map<String, Object> metadataLabels,
                             Instant createdAt,
                             Instant updatedAt) {

    public static RecordResponse of(Record record) {
        // productSurfaceId: records created through the API belong to no surface
        return new RecordResponse(record.id(), record.userId(), record.organizationId(), record.type(), record.name(),
                record.metadata(), record.messages(), null, record.metadataSchema(), record.metadataLabels(),
                record.createdAt(), record.updatedAt());
    }
}
