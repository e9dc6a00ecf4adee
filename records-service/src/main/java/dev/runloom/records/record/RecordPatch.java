package dev.runloom.records.record;

import io.micronaut.core.annotation.Nullable;

import java.util.List;
import java.util.Map;

/**
 * A validated {@code PUT /v1/records/:id}: null {@code type}/{@code name}/{@code metadata} mean
 * "unchanged"; the nullable fields carry a {@code set…} flag because null is a value they can take.
 */
public record RecordPatch(@Nullable String type,
                          @Nullable String name,
                          @Nullable Map<String, Object> metadata,
                          boolean setMessages, @Nullable List<Map<String, Object>> messages,
                          boolean setMetadataSchema, @Nullable Map<String, Object> metadataSchema,
                          boolean setMetadataLabels, @Nullable Map<String, Object> metadataLabels) {

    Record applyTo(Record r, java.time.Instant now) {
        return new Record(r.id(), r.organizationId(), r.userId(), type == null ? r.type() : type,
                name == null ? r.name() : name, metadata == null ? r.metadata() : metadata,
                setMessages ? messages : r.messages(), setMetadataSchema ? metadataSchema : r.metadataSchema(),
                setMetadataLabels ? metadataLabels : r.metadataLabels(), r.createdAt(), now);
    }
}
