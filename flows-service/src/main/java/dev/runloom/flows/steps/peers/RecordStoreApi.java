package dev.runloom.flows.steps.peers;

import dev.runloom.common.tenant.InternalTokens;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Header;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.serde.annotation.Serdeable;

import java.util.Map;

/** records-service's internal record reads and idempotent writes, for the record steps. */
@Client(id = "records")
public interface RecordStoreApi {

    @Post("/internal/records/find")
    Found find(@Body FindRequest body, @Header(InternalTokens.HEADER) String token);

    @Post("/internal/records/upsert")
    WriteResult upsert(@Body UpsertRequest body, @Header(InternalTokens.HEADER) String token);

    @Post("/internal/records/{id}/update")
    WriteResult update(@PathVariable String id, @Body UpdateRequest body, @Header(InternalTokens.HEADER) String token);

    @Serdeable
    record Where(String field, String op, @Nullable Object value) {
    }

    @Serdeable
    record FindRequest(@Nullable String type, @Nullable String name, @Nullable Where where) {
    }

    @Serdeable
    record UpsertRequest(String idempotencyKey, String type, @Nullable String name, Map<String, Object> metadata) {
    }

    @Serdeable
    record UpdateRequest(String idempotencyKey, Map<String, Object> updates, String mergeStrategy) {
    }

    @Serdeable
    record StoredRecord(String id, String type, String name, Map<String, Object> metadata, String createdAt,
                        String updatedAt) {
    }

    @Serdeable
    record Found(@Nullable StoredRecord record) {
    }

    @Serdeable
    record WriteResult(StoredRecord record, boolean created, boolean replayed) {
    }
}
