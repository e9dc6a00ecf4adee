package dev.runloom.agents.tools;

import dev.runloom.common.tenant.InternalTokens;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Header;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.serde.annotation.Serdeable;

import java.util.Map;

/** records-service's internal idempotent upsert (as flows' upsert-record step calls it). */
@Client(id = "records")
public interface RecordWritesApi {

    @Post("/internal/records/upsert")
    WriteResult upsert(@Body UpsertRequest body, @Header(InternalTokens.HEADER) String token);

    @Serdeable
    record UpsertRequest(String idempotencyKey, String type, @Nullable String name, Map<String, Object> metadata) {
    }

    @Serdeable
    record StoredRecord(String id, String type, String name, @Nullable Map<String, Object> metadata,
                        @Nullable String createdAt, @Nullable String updatedAt) {
    }

    @Serdeable
    record WriteResult(StoredRecord record, boolean created, boolean replayed) {
    }
}
