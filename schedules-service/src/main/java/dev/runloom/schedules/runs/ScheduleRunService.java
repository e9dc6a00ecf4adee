package dev.runloom.schedules.runs;

import dev.runloom.common.problem.ProblemException;
import dev.runloom.schedules.schedule.ScheduleRepository;
import io.micronaut.transaction.annotation.Transactional;
import jakarta.inject.Singleton;

import java.util.List;

/** Reading a schedule's run history. */
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
}
