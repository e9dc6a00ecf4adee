package dev.runloom.schedules.schedule;

import dev.runloom.common.tenant.Tenant;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.Status;

/** Create and read schedules (reference S2, S7). Runs live in {@code runs}, results in {@code results}. */
@Controller("/v1/schedules")
public class ScheduleController {
    private final ScheduleService schedules;

    public ScheduleController(ScheduleService schedules) {
        this.schedules = schedules;
    }

    @Post
    @Status(HttpStatus.CREATED)
    public CreatedScheduleResponse create(Tenant tenant, @Body CreateScheduleRequest request) {
        return CreatedScheduleResponse.of(schedules.create(tenant, request));
    }

    @Get("/{id}")
    public ScheduleResponse get(Tenant tenant, @PathVariable String id) {
        return ScheduleResponse.from(schedules.get(tenant.organizationId(), id));
    }
}
