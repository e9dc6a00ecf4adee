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
 * {@code GET /v1/schedules/runs/:runId/results} (reference S5, seed 002). Its static {@code runs}
 * segment makes it a five-segment path, so it never competes with {@code /v1/schedules/{id}}
 * (three segments) or {@code /v1/schedules/{id}/runs} (four).
 */
@Controller("/v1/schedules/runs")
public class RunResultsController {
    static final int DEFAULT_LIMIT = 10;
    static final int MAX_LIMIT = 100;
    /** {@code completed} is how the batch-results page spells success (reference Q7); both are accepted. */
    private static final Set<String> STATUSES = Set.of(RunResult.SUCCESS, "completed", RunResult.FAILED);

    private final RunResultsService results;

    public RunResultsController(RunResultsService results) {
        this.results = results;
    }

    @Get("/{runId}/results")
    public Paged<RunResultResponse, OffsetTotalPagination> results(Tenant tenant, @PathVariable String runId,
                                                                   @Nullable @QueryValue String limit,
                                                                   @Nullable @QueryValue String offset,
                                                                   @Nullable @QueryValue String status) {
        int pageSize = QueryParams.intParam(limit, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT);
        int skip = QueryParams.intParam(offset, "offset", 0, 0, Integer.MAX_VALUE);
        String wanted = QueryParams.enumParam(status, "status", STATUSES, null);
        if ("completed".equals(wanted)) {
            wanted = RunResult.SUCCESS;
        }
        Paged<RunResult, OffsetTotalPagination> page = results.page(tenant.organizationId(), runId, wanted, pageSize, skip);
        return new Paged<>(page.data().stream().map(RunResultResponse::from).toList(), page.pagination());
    }
}
