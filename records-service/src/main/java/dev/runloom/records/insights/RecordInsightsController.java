package dev.runloom.records.insights;

import dev.runloom.common.pagination.QueryParams;
import dev.runloom.common.problem.ProblemException;
import dev.runloom.common.tenant.Tenant;
import dev.runloom.records.record.Record;
import dev.runloom.records.record.RecordQuery;
import dev.runloom.records.record.RecordQueryParams;
import dev.runloom.records.record.RecordResponse;
import dev.runloom.records.record.RecordService;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.json.JsonMapper;
import io.micronaut.serde.annotation.Serdeable;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What the records of a type hold (reference §3.2 R6–R8): the most frequent values of a metadata
 * field, a filter's match count and sample, and the inferred schema of a sample of records.
 */
@Controller("/v1/records")
public class RecordInsightsController {
    static final int DEFAULT_VALUES = 20;
    static final int MAX_VALUES = 100;
    /** field-values counts over at most this many matching records (the answer reflects them). */
    static final int VALUES_SCAN = 100_000;
    static final int PREVIEW_SAMPLE = 10;
    static final int DEFAULT_SCHEMA_SAMPLE = 100;
    static final int MAX_SCHEMA_SAMPLE = 1000;

    private final RecordService records;
    private final RecordQueryParams queries;
    private final JsonMapper json;

    public RecordInsightsController(RecordService records, RecordQueryParams queries, JsonMapper json) {
        this.records = records;
        this.queries = queries;
        this.json = json;
    }

    /** {@code ?type=&field=status|metadata.address.city&limit=} → {@code {values:[{value, count}]}}, most frequent first. */
    @Get("/field-values")
    public FieldValues fieldValues(Tenant tenant,
                                   @Nullable @QueryValue String type,
                                   @Nullable @QueryValue String field,
                                   @Nullable @QueryValue String filter,
                                   @Nullable @QueryValue String limit) {
        RecordQuery query = queries.fromQuery(type, null, filter);
        List<String> path = RecordQueryParams.metadataPath(field, "field");
        int max = QueryParams.intParam(limit, "limit", DEFAULT_VALUES, 1, MAX_VALUES);
        return new FieldValues(records.fieldValues(tenant, query, path, max, VALUES_SCAN).stream()
                .map(v -> new FieldValue(parse(v.json()), v.count())).toList());
    }

    /** {@code {type, filter}} → {@code {count, sample}} (count capped like the list's; {@code countCapped} says so). */
    @Post("/preview-filter")
    public Preview preview(Tenant tenant, @Body Map<String, Object> body) {
        for (String key : body.keySet()) {
            if (!List.of("type", "filter").contains(key)) {
                throw ProblemException.validation("unknown property '" + key + "'; expected type, filter");
            }
        }
        RecordQuery query = queries.fromBody(body);
        RecordService.Count count = records.count(tenant, query);
        List<RecordResponse> sample = records.newest(tenant, query, PREVIEW_SAMPLE).stream().map(RecordResponse::of).toList();
        return new Preview(count.count(), sample, count.capped());
    }

    /** {@code ?type=&sample=} → {@code {type, totalRecords, sampledRecords, sampledAt, fields[]}} from the newest records. */
    @Get("/schema")
    public Schema schema(Tenant tenant, @Nullable @QueryValue String type, @Nullable @QueryValue String sample) {
        if (type == null || type.isEmpty()) {
            throw ProblemException.invalidParameter("type", "is required");
        }
        RecordQuery query = queries.fromQuery(type, null, null);
        int size = QueryParams.intParam(sample, "sample", DEFAULT_SCHEMA_SAMPLE, 1, MAX_SCHEMA_SAMPLE);
        long total = records.count(tenant, query).count();
        List<Record> rows = records.newest(tenant, query, size);
        return new Schema(type, total, rows.size(), Instant.now(),
                SchemaInference.infer(rows.stream().map(Record::metadata).toList()));
    }

    private Object parse(String jsonText) {
        try {
            return json.readValue(jsonText.getBytes(StandardCharsets.UTF_8), Object.class);
        } catch (IOException e) {
            return jsonText;
        }
    }

    @Serdeable
    public record FieldValues(List<FieldValue> values) {
    }

    @Serdeable
    public record FieldValue(Object value, long count) {
    }

    @Serdeable
    public record Preview(long count, List<RecordResponse> sample, boolean countCapped) {
    }

    @Serdeable
    public record Schema(String type, long totalRecords, int sampledRecords, Instant sampledAt,
                         List<SchemaInference.Field> fields) {
    }
}
