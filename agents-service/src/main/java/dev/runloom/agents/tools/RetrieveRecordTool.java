package dev.runloom.agents.tools;

import dev.runloom.agents.loop.ToolContext;
import dev.runloom.common.tenant.InternalTokens;
import dev.runloom.common.tenant.Tenant;
import io.micronaut.http.client.exceptions.HttpClientException;
import io.micronaut.http.client.exceptions.HttpClientResponseException;
import jakarta.inject.Singleton;

import java.util.List;
import java.util.Map;

/**
 * {@code retrieve-record}: one record of the tenant by type and name (or id), through
 * records-service's internal read. That read pages a whole type by id, so this scans at most
 * {@link #MAX_PAGES} pages of {@link #PAGE_SIZE} — enough for the types an agent looks into; a
 * record further away is reported as not found with the reason.
 */
@Singleton
public class RetrieveRecordTool implements BuiltInTool {
    public static final String NAME = "retrieve-record";
    static final int PAGE_SIZE = 2000;
    static final int MAX_PAGES = 10;

    private final RecordsApi records;
    private final InternalTokens tokens;

    public RetrieveRecordTool(RecordsApi records, InternalTokens tokens) {
        this.records = records;
        this.tokens = tokens;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "Retrieve one record (its id, name, type and metadata) by record type and name or id";
    }

    @Override
    public Map<String, Object> parameters() {
        return Map.of("type", "object",
                "properties", Map.of(
                        "recordType", Map.of("type", "string", "description", "the record's type"),
                        "name", Map.of("type", "string", "description", "the record's name"),
                        "recordId", Map.of("type", "string", "description", "the record's id (instead of name)")),
                "required", List.of("recordType"));
    }

    @Override
    public Object run(Tenant tenant, Map<String, Object> arguments, ToolContext context) {
        String type = text(arguments, "recordType");
        String name = text(arguments, "name");
        String id = text(arguments, "recordId");
        if (type == null) {
            throw new ToolFailure("recordType is required");
        }
        if (name == null && id == null) {
            throw new ToolFailure("name or recordId is required");
        }
        String after = null;
        for (int page = 0; page < MAX_PAGES; page++) {
            RecordsApi.RecordsPage read = read(tenant, type, after);
            for (RecordsApi.Record record : read.data() == null ? List.<RecordsApi.Record>of() : read.data()) {
                if (id != null ? id.equals(record.id()) : name.equals(record.name())) {
                    return Map.of("id", record.id(), "name", record.name(), "type", record.type(),
                            "metadata", record.metadata() == null ? Map.of() : record.metadata());
                }
            }
            if (read.nextAfter() == null) {
                throw new ToolFailure("no record of type '" + type + "' with " + (id != null ? "id '" + id : "name '" + name) + "'");
            }
            after = read.nextAfter();
        }
        throw new ToolFailure("no record found in the first " + PAGE_SIZE * MAX_PAGES + " records of type '" + type + "'");
    }

    private RecordsApi.RecordsPage read(Tenant tenant, String type, String after) {
        try {
            RecordsApi.RecordsPage page = records.list(type, after, PAGE_SIZE, tokens.sign(tenant));
            if (page == null) {
                throw new ToolFailure("records-service has no records read endpoint (404)");
            }
            return page;
        } catch (HttpClientResponseException e) {
            throw new ToolFailure("records-service answered " + e.getStatus().getCode());
        } catch (HttpClientException e) {
            throw new ToolFailure("records-service is unreachable");
        }
    }

    private static String text(Map<String, Object> arguments, String key) {
        Object value = arguments.get(key);
        if (value == null) {
            return null;
        }
        if (!(value instanceof String s) || s.isBlank()) {
            throw new ToolFailure(key + " must be a non-empty string");
        }
        return s;
    }
}
