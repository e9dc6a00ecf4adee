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
                             Instant createdAt,
                             Instant updatedAt) {

    static RecordResponse of(Record record) {
        // productSurfaceId: records created through the API belong to no surface
        return new RecordResponse(record.id(), record.userId(), record.organizationId(), record.type(), record.name(),
                record.metadata(), record.messages(), null, record.createdAt(), record.updatedAt());
    }
}
