package dev.runloom.schedules.runs;

import dev.runloom.common.pagination.OffsetTotalPagination;
import dev.runloom.common.pagination.Paged;
import dev.runloom.common.problem.ProblemException;
import dev.runloom.schedules.schedule.ScheduleRepository;
import io.micronaut.transaction.annotation.Transactional;
import jakarta.inject.Singleton;

import java.util.List;

/** Reading runs: one schedule's history, and every run of the organization. */
@Singleton
public class ScheduleRunService {
    /** The history endpoint has no paging (reference S13): the newest runs, this many at most. */
    static final int HISTORY_LIMIT = 100;

    private final ScheduleRepository schedules;
    private final ScheduleRunRepository runs;

    public ScheduleRunService(ScheduleRepository schedules, ScheduleRunRepository runs) {
        this.schedules = schedules;
        this.runs = runs;
    }

    /** Newest first, at most {@value #HISTORY_LIMIT}; 404 for an unknown schedule or another organization's. */
    @Transactional(readOnly = true)
    public List<ScheduleRun> history(String organizationId, String scheduleId) {
        if (!schedules.existsByOrganizationIdAndId(organizationId, scheduleId)) {
            throw ProblemException.notFound("Schedule", scheduleId);
        }
        return runs.listForSchedule(organizationId, scheduleId, HISTORY_LIMIT);
    }

    /** Every schedule's runs, newest first, with their total (pagination style B2). */
    @Transactional(readOnly = true)
    public Paged<ScheduleRun, OffsetTotalPagination> page(String organizationId, ScheduleRunRepository.RunFilter filter,
                                                          int limit, int offset) {
        List<ScheduleRun> page = runs.page(organizationId, filter, limit, offset);
        long total = runs.count(organizationId, filter);
        return new Paged<>(page, OffsetTotalPagination.of(limit, offset, page.size(), total));
    }
}
