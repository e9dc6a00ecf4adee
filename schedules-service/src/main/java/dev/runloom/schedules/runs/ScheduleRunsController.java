package dev.runloom.schedules.runs;

import dev.runloom.common.pagination.OffsetTotalPagination;
import dev.runloom.common.pagination.Paged;
import dev.runloom.common.pagination.QueryParams;
import dev.runloom.common.problem.ProblemException;
import dev.runloom.common.tenant.Tenant;
import dev.runloom.schedules.scheduler.ScheduleFirer;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.QueryValue;

import java.time.Instant;

/**
 * Runs: every run of the organization (reference S4, {@code /runs}, a static path that wins over
 * {@code /{id}}), run a schedule now (S12) and one schedule's history (S13).
 */
@Controller("/v1/schedules")
public class ScheduleRunsController {
    static final int DEFAULT_LIMIT = 50;
    static final int MAX_LIMIT = 100;

    private final ScheduleFirer firer;
    private final ScheduleRunService runs;

    public ScheduleRunsController(ScheduleFirer firer, ScheduleRunService runs) {
        this.firer = firer;
        this.runs = runs;
    }

    /** Newest first; {@code from} (inclusive) and {@code to} (exclusive) bound the runs' creation (fire) time. */
    @Get("/runs")
    public Paged<ScheduleRunResponse, OffsetTotalPagination> all(Tenant tenant,
                                                                 @Nullable @QueryValue String status,
                                                                 @Nullable @QueryValue String scheduleId,
                                                                 @Nullable @QueryValue String from,
                                                                 @Nullable @QueryValue String to,
                                                                 @Nullable @QueryValue String limit,
                                                                 @Nullable @QueryValue String offset) {
        int pageSize = QueryParams.intParam(limit, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT);
        int skip = QueryParams.intParam(offset, "offset", 0, 0, Integer.MAX_VALUE);
        String wanted = QueryParams.enumParam(status, "status", RunStatus.ALL, null);
        Instant since = QueryParams.instantParam(from, "from");
        Instant until = QueryParams.instantParam(to, "to");
        if (since != null && until != null && since.isAfter(until)) {
            throw ProblemException.invalidParameter("from", "must not be after 'to'");
        }
        String schedule = scheduleId == null || scheduleId.isBlank() ? null : scheduleId.trim();
        Paged<ScheduleRun, OffsetTotalPagination> page = runs.page(tenant.organizationId(),
                new ScheduleRunRepository.RunFilter(wanted, schedule, since, until), pageSize, skip);
        return new Paged<>(page.data().stream().map(ScheduleRunResponse::from).toList(), page.pagination());
    }

    /** An action without parameters: no body, or an empty JSON object; anything else is refused, not ignored. */
    @Post("/{id}/run")
    public RunStartedResponse runNow(Tenant tenant, @PathVariable String id,
                                     @Nullable @Body java.util.Map<String, Object> body) {
        if (body != null && !body.isEmpty()) {
            throw ProblemException.validation("body: this action takes no fields; send no body or {}");
        }
        return RunStartedResponse.from(firer.fireNow(tenant.organizationId(), id));
    }

    @Get("/{id}/runs")
    public ScheduleRunList history(Tenant tenant, @PathVariable String id) {
        return new ScheduleRunList(runs.history(tenant.organizationId(), id).stream()
                .map(ScheduleRunResponse::from).toList());
    }
}
