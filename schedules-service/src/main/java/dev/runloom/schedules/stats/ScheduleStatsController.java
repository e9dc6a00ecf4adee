package dev.runloom.schedules.stats;

import dev.runloom.common.pagination.QueryParams;
import dev.runloom.common.problem.ProblemException;
import dev.runloom.common.tenant.Tenant;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.QueryValue;

import java.util.Arrays;
import java.util.List;

/**
 * Sparklines of many schedules (reference S6, {@code /sparklines}, a static path that wins over
 * {@code /{id}}) and one schedule's statistics (S14).
 */
@Controller("/v1/schedules")
public class ScheduleStatsController {
    static final int DEFAULT_DAYS = 7;
    static final int MAX_DAYS = 90;
    static final int MAX_SCHEDULE_IDS = 100;

    private final ScheduleStatsService stats;

    public ScheduleStatsController(ScheduleStatsService stats) {
        this.stats = stats;
    }

    /** {@code scheduleIds}: a comma-separated list (at most {@value #MAX_SCHEDULE_IDS}); absent for every schedule. */
    @Get("/sparklines")
    public Sparklines sparklines(Tenant tenant, @Nullable @QueryValue String days,
                                 @Nullable @QueryValue String scheduleIds) {
        int range = QueryParams.intParam(days, "days", DEFAULT_DAYS, 1, MAX_DAYS);
        List<String> ids = null;
        if (scheduleIds != null && !scheduleIds.isBlank()) {
            ids = Arrays.stream(scheduleIds.split(",")).map(String::trim).filter(id -> !id.isEmpty()).distinct().toList();
            if (ids.size() > MAX_SCHEDULE_IDS) {
                throw ProblemException.invalidParameter("scheduleIds", "may name at most " + MAX_SCHEDULE_IDS + " schedules");
            }
        }
        return stats.sparklines(tenant.organizationId(), range, ids);
    }

    @Get("/{id}/stats")
    public ScheduleStats stats(Tenant tenant, @PathVariable String id) {
        return stats.stats(tenant.organizationId(), id);
    }
}
