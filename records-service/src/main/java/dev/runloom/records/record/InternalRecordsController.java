package dev.runloom.records.record;

import dev.runloom.common.pagination.QueryParams;
import dev.runloom.common.problem.ProblemException;
import dev.runloom.common.tenant.Tenant;
import dev.runloom.records.filter.RecordFilter;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.json.JsonMapper;
import io.micronaut.serde.annotation.Serdeable;

import java.util.List;
import java.util.Map;

/**
 * Service-to-service read for flows-service, which needs the records of a type consistently *now*
 * when a batch starts (DESIGN §3). Keyset by id over (organization_id, type, id): every page costs
 * the same however deep it is. Not part of the public API; the gateway does not route /internal.
 */
@Controller("/internal/records")
public class InternalRecordsController {
    static final int DEFAULT_LIMIT = 500;
    static final int MAX_LIMIT = 2000;

    private final RecordService service;
    private final JsonMapper json;

    public InternalRecordsController(RecordService service, JsonMapper json) {
        this.service = service;
        this.json = json;
    }

    /**
     * {@code GET /internal/records?type=<type>&filter=<json>&after=<recordId>&limit=<n>}: {@code filter}
     * is the list endpoint's chip filter (its {@code type} counts as the type); without a filter a
     * type is required, with one the type may be left out (e.g. {@code id in […]} over every type).
     */
    @Get
    public InternalRecordsPage list(Tenant tenant,
                                    @Nullable @QueryValue String type,
                                    @Nullable @QueryValue String filter,
                                    @Nullable @QueryValue String after,
                                    @Nullable @QueryValue String limit) {
        RecordFilter parsed = filter == null || filter.isEmpty() ? null : RecordFilter.parseJson(filter, json, "filter");
        String effectiveType = type != null && !type.isEmpty() ? type : parsed == null ? null : parsed.type();
        if (effectiveType == null && (parsed == null || parsed.isEmpty())) {
            throw ProblemException.invalidParameter("type", "is required unless a non-empty filter is given");
        }
        int pageSize = QueryParams.intParam(limit, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT);
        RecordRefPage page = service.listMatching(tenant, effectiveType,
                parsed == null ? RecordFilter.none(effectiveType) : parsed,
                after == null || after.isEmpty() ? null : after, pageSize);
        return new InternalRecordsPage(
                page.records().stream().map(r -> new InternalRecord(r.id(), r.name(), r.type(), r.metadata())).toList(),
                page.nextAfter());
    }

    /** {@code nextAfter}: pass it as {@code after} for the next page; null when this was the last page. */
    @Serdeable
    public record InternalRecordsPage(List<InternalRecord> data, @Nullable String nextAfter) {
    }

    @Serdeable
    public record InternalRecord(String id, String name, String type, Map<String, Object> metadata) {
    }
}
