package dev.runloom.schedules.schedule;

import dev.runloom.common.problem.ProblemException;
import dev.runloom.common.tenant.Tenant;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.transaction.annotation.Transactional;
import jakarta.inject.Singleton;

import java.time.Instant;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Reading and changing schedules, one transaction per call. Every change to an existing schedule
 * locks its row first ({@code FOR UPDATE}), so it takes turns with the scheduler's claim and a
 * manual fire, and applies {@link ScheduleRules} to the row as it is now. Deleting a schedule
 * removes its runs and results; a run already in flight goes on in flows-service or
 * agents-service, and the events it still sends find no run here and change nothing.
 */
@Singleton
public class ScheduleService {
    private final ScheduleRepository schedules;
    private final ScheduleRules rules;

    public ScheduleService(ScheduleRepository schedules, ScheduleRules rules) {
        this.schedules = schedules;
        this.rules = rules;
    }

    /** Saves a schedule {@link ScheduleRules#newSchedule} built (and whose target was checked). */
    @Transactional
    public Schedule create(Schedule schedule) {
        return schedules.save(schedule);
    }

    /** @throws ProblemException 404 when the schedule does not exist in the organization */
    @Transactional(readOnly = true)
    public Schedule get(String organizationId, String id) {
        return schedules.findByOrganizationIdAndId(organizationId, id)
                .orElseThrow(() -> ProblemException.notFound("Schedule", id));
    }

    /** One keyset page (one row more than asked, to know whether more follow), with a count when asked. */
    @Transactional(readOnly = true)
    public ScheduleSlice list(Tenant tenant, ScheduleRepository.ListFilter filter, @Nullable Instant afterAt,
                              @Nullable String afterId, int limit, boolean includeCount) {
        List<Schedule> rows = schedules.listNewestFirst(tenant.organizationId(), filter, afterAt, afterId, limit + 1);
        boolean hasMore = rows.size() > limit;
        Long total = includeCount ? schedules.count(tenant.organizationId(), filter) : null;
        return new ScheduleSlice(hasMore ? rows.subList(0, limit) : rows, hasMore, total);
    }

    /** A partial update (reference S8). */
    @Transactional
    public Schedule update(Tenant tenant, String id, ScheduleRequest request) {
        return change(tenant.organizationId(), id, current -> rules.updated(current, request));
    }

    /** Idempotent: a paused schedule is returned as it is. */
    @Transactional
    public Schedule pause(Tenant tenant, String id) {
        return change(tenant.organizationId(), id, rules::paused);
    }

    /** Idempotent: an enabled schedule is returned as it is. */
    @Transactional
    public Schedule resume(Tenant tenant, String id) {
        return change(tenant.organizationId(), id, rules::resumed);
    }

    /** @throws ProblemException 404 when the schedule does not exist in the organization */
    @Transactional
    public void delete(Tenant tenant, String id) {
        if (schedules.deleteByOrganizationIdAndId(tenant.organizationId(), id) == 0) {
            throw ProblemException.notFound("Schedule", id);
        }
    }

    private Schedule change(String organizationId, String id, UnaryOperator<Schedule> change) {
        Schedule current = schedules.findByOrganizationIdAndIdForUpdate(organizationId, id)
                .orElseThrow(() -> ProblemException.notFound("Schedule", id));
        Schedule changed = change.apply(current);
        return changed == current ? current : schedules.update(changed);
    }
}
