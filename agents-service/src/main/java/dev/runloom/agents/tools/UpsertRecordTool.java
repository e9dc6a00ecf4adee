package dev.runloom.agents.tools;

import dev.runloom.agents.loop.ToolContext;
import dev.runloom.common.tenant.InternalTokens;
import dev.runloom.common.tenant.Tenant;
import io.micronaut.http.client.exceptions.HttpClientException;
import io.micronaut.http.client.exceptions.HttpClientResponseException;
import jakarta.inject.Singleton;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code upsert-record}: creates the tenant's record of a type and name, or merges the given metadata
 * into it, through records-service's internal upsert. The write carries the
 * idempotency key {@code executionId:toolCallId}, claimed by records-service in the write's own
 * transaction, so the same tool call never writes twice: an answer lost to a 5xx or a dropped
 * connection is retried once with the same key, and records-service answers the first write
 * ({@code replayed: true}).
 */
@Singleton
public class UpsertRecordTool implements BuiltInTool {
    public static final String NAME = "upsert-record";
    static final int MAX_TEXT = 255;

    private final RecordWritesApi records;
    private final InternalTokens tokens;

    public UpsertRecordTool(RecordWritesApi records, InternalTokens tokens) {
        this.records = records;
        this.tokens = tokens;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "Create a record (by record type and name) or merge the given metadata into it";
    }

    @Override
    public Map<String, Object> parameters() {
        return Map.of("type", "object",
                "properties", Map.of(
                        "recordType", Map.of("type", "string", "description", "the record's type"),
                        "name", Map.of("type", "string", "description", "the record's name (its identity within the type)"),
                        "metadata", Map.of("type", "object", "description", "the record's fields")),
                "required", List.of("recordType", "name"));
    }

    @Override
    @SuppressWarnings("unchecked")
    public Object run(Tenant tenant, Map<String, Object> arguments, ToolContext context) {
        String type = text(arguments, "recordType");
        String name = text(arguments, "name");
        Object metadata = arguments.get("metadata");
        if (metadata != null && !(metadata instanceof Map<?, ?>)) {
            throw new ToolFailure("metadata must be an object");
        }
        RecordWritesApi.UpsertRequest request = new RecordWritesApi.UpsertRequest(context.idempotencyKey(), type, name,
                metadata == null ? Map.of() : (Map<String, Object>) metadata);
        RecordWritesApi.WriteResult written;
        try {
            written = write(tenant, request);
        } catch (TransientFailure e) {
            written = write(tenant, request); // the same key: a write that did happen is answered, not repeated
        }
        Map<String, Object> output = new LinkedHashMap<>();
        output.put("id", written.record().id());
        output.put("type", written.record().type());
        output.put("name", written.record().name());
        output.put("metadata", written.record().metadata() == null ? Map.of() : written.record().metadata());
        output.put("created", written.created());
        return output;
    }

    private RecordWritesApi.WriteResult write(Tenant tenant, RecordWritesApi.UpsertRequest request) {
        try {
            RecordWritesApi.WriteResult result = records.upsert(request, tokens.sign(tenant));
            if (result == null || result.record() == null) {
                throw new ToolFailure("records-service answered no record");
            }
            return result;
        } catch (HttpClientResponseException e) {
            if (e.getStatus().getCode() >= 500) {
                throw new TransientFailure("records-service answered " + e.getStatus().getCode());
            }
            throw new ToolFailure("records-service refused the write (" + e.getStatus().getCode() + "): "
                    + e.getResponse().getBody(Map.class).map(p -> String.valueOf(p.get("detail"))).orElse(e.getMessage()));
        } catch (HttpClientException e) {
            throw new TransientFailure("records-service is unreachable");
        }
    }

    private static String text(Map<String, Object> arguments, String key) {
        Object value = arguments.get(key);
        if (!(value instanceof String s) || s.isBlank()) {
            throw new ToolFailure(key + " is required and must be a non-empty string");
        }
        if (s.length() > MAX_TEXT) {
            throw new ToolFailure(key + " is longer than " + MAX_TEXT + " characters");
        }
        return s;
    }

    /** A failure worth one more try with the same key. */
    private static final class TransientFailure extends ToolFailure {
        TransientFailure(String message) {
            super(message);
        }
    }
}
