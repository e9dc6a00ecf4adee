package dev.runloom.schedules.schedule;

import dev.runloom.common.pagination.Cursor;
import dev.runloom.common.pagination.CursorPagination;
import dev.runloom.common.pagination.Paged;
import dev.runloom.common.pagination.QueryParams;
import dev.runloom.common.tenant.Tenant;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Delete;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.Put;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.http.annotation.Status;

import java.util.List;
import java.util.Objects;

/**
 * The schedule itself (reference S1, S2, S7–S11): list, create, read, update, delete, pause,
 * resume. Runs live in {@code runs}, per-record results in {@code results}, statistics in
 * {@code stats}; their static paths ({@code /runs}, {@code /batch/…}, {@code /sparklines}) win
 * over {@code /{id}} because Micronaut prefers the route with fewer variables.
 *
 * <p>Create and update answer every 400 first ({@link ScheduleRules}, no I/O), then ask the
 * target's service whether the target exists ({@link ScheduleTargets}, outside any transaction),
 * then write.
 */
@Controller("/v1/schedules")
public class ScheduleController {
    static final int DEFAULT_LIMIT = 50;
    static final int MAX_LIMIT = 100;

    private final ScheduleService schedules;
    private final ScheduleRules rules;
    private final ScheduleTargets targets;

    public ScheduleController(ScheduleService schedules, ScheduleRules rules, ScheduleTargets targets) {
        this.schedules = schedules;
        this.rules = rules;
        this.targets = targets;
    }

    @Post
    @Status(HttpStatus.CREATED)
    public CreatedScheduleResponse create(Tenant tenant, @Body ScheduleRequest request) {
        Schedule schedule = rules.newSchedule(tenant, request);
        targets.requireExists(tenant, schedule.flowId(), schedule.agentId());
        return CreatedScheduleResponse.of(schedules.create(schedule));
    }

    /**
     * Newest first, cursor pagination (style C). {@code prevCursor} is always null: pages are walked
     * forward with {@code nextCursor}; {@code hasPrev} and {@code currentOffset} say where the page is.
     */
    @Get
    public Paged<ScheduleResponse, CursorPagination> list(Tenant tenant,
                                                          @Nullable @QueryValue String limit,
                                                          @Nullable @QueryValue String cursor,
                                                          @Nullable @QueryValue String includeCount,
                                                          @Nullable @QueryValue String enabled,
                                                          @Nullable @QueryValue String flowId,
                                                          @Nullable @QueryValue String agentId) {
        int pageSize = QueryParams.intParam(limit, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT);
        boolean count = QueryParams.boolParam(includeCount, "includeCount", false);
        Boolean enabledFilter = enabled == null || enabled.isBlank() ? null : QueryParams.boolParam(enabled, "enabled", true);
        Cursor after = cursor == null || cursor.isBlank() ? null : Cursor.decode(cursor.trim(), "cursor");
        int offset = after == null ? 0 : after.offset();
        ScheduleRepository.ListFilter filter = new ScheduleRepository.ListFilter(enabledFilter, blankToNull(flowId),
                blankToNull(agentId));

        ScheduleSlice slice = schedules.list(tenant, filter, after == null ? null : after.at(),
                after == null ? null : after.id(), pageSize, count);
        List<Schedule> rows = slice.schedules();
        String nextCursor = null;
        if (slice.hasMore()) {
            Schedule last = rows.get(rows.size() - 1);
            nextCursor = new Cursor(last.createdAt(), last.id(), offset + rows.size()).encode();
        }
        CursorPagination pagination = new CursorPagination(nextCursor, null, slice.hasMore(), offset > 0,
                pageSize, offset, null, null, null);
        if (slice.total() != null) {
            pagination = pagination.withCount(slice.total());
        }
        return new Paged<>(rows.stream().map(ScheduleResponse::from).toList(), pagination);
    }

    @Get("/{id}")
    public ScheduleResponse get(Tenant tenant, @PathVariable String id) {
        return ScheduleResponse.from(schedules.get(tenant.organizationId(), id));
    }

    /** Partial: only what the body gives changes; a new target is checked like on create. */
    @Put("/{id}")
    public ScheduleResponse update(Tenant tenant, @PathVariable String id, @Body ScheduleRequest request) {
        Schedule current = schedules.get(tenant.organizationId(), id);
        Schedule updated = rules.updated(current, request);
        if (!Objects.equals(updated.flowId(), current.flowId()) || !Objects.equals(updated.agentId(), current.agentId())) {
            targets.requireExists(tenant, updated.flowId(), updated.agentId());
        }
        return ScheduleResponse.from(schedules.update(tenant, id, request));
    }

    @Delete("/{id}")
    public DeletedResponse delete(Tenant tenant, @PathVariable String id) {
        schedules.delete(tenant, id);
        return new DeletedResponse(true);
    }

    @Post("/{id}/pause")
    public ScheduleResponse pause(Tenant tenant, @PathVariable String id) {
        return ScheduleResponse.from(schedules.pause(tenant, id));
    }

    @Post("/{id}/resume")
    public ScheduleResponse resume(Tenant tenant, @PathVariable String id) {
        return ScheduleResponse.from(schedules.resume(tenant, id));
    }

    private static @Nullable String blankToNull(@Nullable String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }
}
