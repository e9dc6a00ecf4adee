package dev.runloom.schedules.runs;

import dev.runloom.common.tenant.Tenant;
import dev.runloom.schedules.scheduler.ScheduleFirer;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;

/** Run a schedule now (reference S12) and read its run history (S13). */
@Controller("/v1/schedules/{id}")
public class ScheduleRunsController {
    private final ScheduleFirer firer;
    private final ScheduleRunService runs;

    public ScheduleRunsController(ScheduleFirer firer, ScheduleRunService runs) {
        this.firer = firer;
        this.runs = runs;
    }

    @Post("/run")
    public RunStartedResponse runNow(Tenant tenant, @PathVariable String id) {
        return RunStartedResponse.from(firer.fireNow(tenant.organizationId(), id));
    }

    @Get("/runs")
    public ScheduleRunList history(Tenant tenant, @PathVariable String id) {
        return new ScheduleRunList(runs.history(tenant.organizationId(), id).stream()
                .map(ScheduleRunResponse::from).toList());
    }
}
