package dev.runloom.schedules.results;

import dev.runloom.common.pagination.OffsetTotalPagination;
import dev.runloom.common.pagination.Paged;
import dev.runloom.common.pagination.QueryParams;
import dev.runloom.common.tenant.Tenant;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.QueryValue;

import java.util.Set;

/**
 * Per-record results of one run, {@code GET /v1/schedules/runs/:runId/results} (reference S5, seed
 * 002), and of one batch, {@code GET /v1/schedules/batch/:batchId/results} (S3; the batch a
 * schedule run started — other batches are flows-service's). Both are five-segment paths with a
 * static second segment, so neither competes with {@code /v1/schedules/{id}/…}.
 */
@Controller("/v1/schedules")
public class RunResultsController {
    static final int DEFAULT_LIMIT = 10;
    static final int MAX_LIMIT = 100;
    /** {@code completed} is how the batch-results page spells success (reference Q7); both are accepted. */
    private static final Set<String> STATUSES = Set.of(RunResult.SUCCESS, "completed", RunResult.FAILED);

    private final RunResultsService results;

    public RunResultsController(RunResultsService results) {
        this.results = results;
    }

    @Get("/runs/{runId}/results")
    public Paged<RunResultResponse, OffsetTotalPagination> results(Tenant tenant, @PathVariable String runId,
                                                                   @Nullable @QueryValue String limit,
                                                                   @Nullable @QueryValue String offset,
                                                                   @Nullable @QueryValue String status) {
        Query query = query(limit, offset, status);
        return response(results.page(tenant.organizationId(), runId, query.status(), query.limit(), query.offset()));
    }

    @Get("/batch/{batchId}/results")
    public Paged<RunResultResponse, OffsetTotalPagination> batchResults(Tenant tenant, @PathVariable String batchId,
                                                                        @Nullable @QueryValue String limit,
                                                                        @Nullable @QueryValue String offset,
                                                                        @Nullable @QueryValue String status) {
        Query query = query(limit, offset, status);
        return response(results.pageOfBatch(tenant.organizationId(), batchId, query.status(), query.limit(),
                query.offset()));
    }

    private record Query(int limit, int offset, @Nullable String status) {
    }

    private static Query query(@Nullable String limit, @Nullable String offset, @Nullable String status) {
        int pageSize = QueryParams.intParam(limit, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT);
        int skip = QueryParams.intParam(offset, "offset", 0, 0, Integer.MAX_VALUE);
        String wanted = QueryParams.enumParam(status, "status", STATUSES, null);
        return new Query(pageSize, skip, "completed".equals(wanted) ? RunResult.SUCCESS : wanted);
    }

    private static Paged<RunResultResponse, OffsetTotalPagination> response(Paged<RunResult, OffsetTotalPagination> page) {
        return new Paged<>(page.data().stream().map(RunResultResponse::from).toList(), page.pagination());
    }
}
