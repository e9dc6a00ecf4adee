package dev.runloom.records.record;

import dev.runloom.common.problem.ProblemException;
import dev.runloom.common.tenant.Tenant;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Post;
import io.micronaut.serde.annotation.Serdeable;

import java.util.List;
import java.util.Map;

/**
 * {@code POST /v1/records/bulk-delete} and {@code /bulk-edit} (reference §3.2 R3, R4): by
 * {@code ids} (at most {@link #MAX_IDS} per call; unknown or other organizations' ids are skipped)
 * or by {@code type} + {@code filter} (no limit; {@code type} is required so that an empty filter
 * cannot reach every record of the organization). One SQL statement per
 * {@value RecordService#CHUNK} records, all in one transaction.
 */
@Controller("/v1/records")
public class RecordBulkController {
    static final int MAX_IDS = 10_000;

    private final RecordService service;
    private final RecordQueryParams queries;

    public RecordBulkController(RecordService service, RecordQueryParams queries) {
        this.service = service;
        this.queries = queries;
    }

    /** {@code {ids}} or {@code {type, filter}} → {@code {deleted}}. */
    @Post("/bulk-delete")
    public Deleted bulkDelete(Tenant tenant, @Body Map<String, Object> body) {
        only(body, List.of("ids", "type", "filter"));
        String[] ids = ids(body);
        RecordQuery query = ids == null ? scope(body) : null;
        return new Deleted(service.bulkDelete(tenant, ids, query));
    }

    /** {@code {ids | type + filter, metadata, mergeStrategy}} → {@code {updated}}. */
    @Post("/bulk-edit")
    public Updated bulkEdit(Tenant tenant, @Body Map<String, Object> body) {
        only(body, List.of("ids", "type", "filter", "metadata", "mergeStrategy"));
        String[] ids = ids(body);
        RecordQuery query = ids == null ? scope(body) : null;
        if (!(body.get("metadata") instanceof Map<?, ?> metadata)) {
            throw ProblemException.validation("metadata must be a JSON object (the patch to apply)");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> patch = (Map<String, Object>) metadata;
        String unstorable = dev.runloom.records.filter.StorableJson.firstUnstorable(patch, "metadata");
        if (unstorable != null) {
            throw ProblemException.validation(unstorable + " contains a NUL character or an unpaired UTF-16 surrogate");
        }
        BulkEdit.MergeStrategy strategy = BulkEdit.MergeStrategy.parse(body.get("mergeStrategy"));
        return new Updated(service.bulkEdit(tenant, new BulkEdit(ids, query, patch, strategy)));
    }

    private RecordQuery scope(Map<String, Object> body) {
        RecordQuery query = queries.fromBody(body);
        String type = query.type() != null ? query.type() : query.filter().type();
        if (type == null) {
            throw ProblemException.validation("give either ids or a type (with an optional filter)");
        }
        return query;
    }

    private static String[] ids(Map<String, Object> body) {
        Object value = body.get("ids");
        if (value == null) {
            return null;
        }
        if (!(value instanceof List<?> list) || list.isEmpty()) {
            throw ProblemException.validation("ids must be a non-empty list of record ids");
        }
        if (list.size() > MAX_IDS) {
            throw ProblemException.validation("ids may hold at most " + MAX_IDS + " ids per call; use type + filter for more");
        }
        if (body.containsKey("filter")) {
            throw ProblemException.validation("give either ids or type + filter, not both");
        }
        String[] ids = new String[list.size()];
        for (int i = 0; i < ids.length; i++) {
            if (!(list.get(i) instanceof String id) || id.isEmpty() || id.length() > 255) {
                throw ProblemException.validation("ids[" + i + "] must be a record id");
            }
            RecordQueryParams.noNul(id, "ids[" + i + "]");
            ids[i] = id;
        }
        return ids;
    }

    private static void only(Map<String, Object> body, List<String> known) {
        for (String key : body.keySet()) {
            if (!known.contains(key)) {
                throw ProblemException.validation("unknown property '" + key + "'; expected " + String.join(", ", known));
            }
        }
    }

    @Serdeable
    public record Deleted(long deleted) {
    }

    @Serdeable
    public record Updated(long updated) {
    }
}
