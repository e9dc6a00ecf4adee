package dev.runloom.records.results;

import dev.runloom.common.pagination.PagePagination;
import dev.runloom.common.pagination.Paged;
import dev.runloom.common.pagination.QueryParams;
import dev.runloom.common.problem.ProblemException;
import dev.runloom.common.tenant.Tenant;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Delete;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.QueryValue;

import java.time.Instant;
import java.util.Map;
import java.util.Set;

/**
 * A record's results: {@code GET /v1/records/:id/results} (reference §3.2 R15, seed 000, page
 * pagination, style A), their costs (R14) and deleting one (R16).
 */
@Controller("/v1/records")
public class RecordResultsController {
    static final int DEFAULT_LIMIT = 10;
    static final int MAX_LIMIT = 100;

    private final RecordResultService service;

    public RecordResultsController(RecordResultService service) {
        this.service = service;
    }

    @Get("/{id}/results")
    public Paged<RecordResultResponse, PagePagination> list(Tenant tenant,
                                                            @PathVariable String id,
                                                            @Nullable @QueryValue String page,
                                                            @Nullable @QueryValue String limit,
                                                            @Nullable @QueryValue String status,
                                                            @Nullable @QueryValue String promptId,
                                                            @Nullable @QueryValue String flowId,
                                                            @Nullable @QueryValue String from,
                                                            @Nullable @QueryValue String to,
                                                            @Nullable @QueryValue String sortBy,
                                                            @Nullable @QueryValue String sortOrder,
                                                            @Nullable @QueryValue String includeCount) {
        int pageNumber = QueryParams.intParam(page, "page", 1, 1, Integer.MAX_VALUE);
        int pageSize = QueryParams.intParam(limit, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT);
        Instant fromInstant = QueryParams.instantParam(from, "from");
        Instant toInstant = QueryParams.instantParam(to, "to");
        if (fromInstant != null && toInstant != null && toInstant.isBefore(fromInstant)) {
            throw ProblemException.invalidParameter("to", "must not be before 'from'");
        }
        RecordResultQuery.SortField sortField = RecordResultQuery.SortField.fromParameter(QueryParams.enumParam(
                sortBy, "sortBy", Set.of("createdAt", "status"), "createdAt"));
        boolean ascending = QueryParams.ascending(sortOrder, "sortOrder");
        boolean count = QueryParams.boolParam(includeCount, "includeCount", false);

        RecordResultQuery query = new RecordResultQuery(id, blankToNull(status), blankToNull(promptId),
                blankToNull(flowId), fromInstant, toInstant, sortField, ascending, pageNumber, pageSize, count);
        RecordResultSlice slice = service.list(tenant, query);
        PagePagination pagination = slice.total() != null
                ? PagePagination.counted(pageNumber, pageSize, slice.total())
                : PagePagination.uncounted(pageNumber, pageSize, slice.results().size(), slice.hasMore());
        return new Paged<>(slice.results().stream().map(RecordResultResponse::of).toList(), pagination);
    }

    /** {@code GET /v1/records/:id/costs} (R14). */
    @Get("/{id}/costs")
    public RecordCosts costs(Tenant tenant, @PathVariable String id) {
        return service.costs(tenant, id);
    }

    /** {@code DELETE /v1/records/:id/results/:resultId} (R16). */
    @Delete("/{id}/results/{resultId}")
    public Map<String, Object> delete(Tenant tenant, @PathVariable String id, @PathVariable String resultId) {
        service.delete(tenant, id, resultId);
        return Map.of("success", true);
    }

    private static @Nullable String blankToNull(@Nullable String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }
}
