package dev.runloom.schedules.runs;

import dev.runloom.common.problem.ProblemException;
import dev.runloom.schedules.schedules.ScheduleRepository;
import io.micronaut.transaction.TransactionOperations;
import jakarta.inject.Singleton;

import java.sql.Connection;
import java.util.List;

/** Reading a schedule's run history. */
@Singleton
public class ScheduleRunService {
    /** The history endpoint has no paging (reference S13): the newest runs, this many at most. */
    static final int HISTORY_LIMIT = 100;

    private final TransactionOperations<Connection> transactions;
    private final ScheduleRepository schedules;
    private final ScheduleRunRepository runs;

    public ScheduleRunService(TransactionOperations<Connection> transactions, ScheduleRepository schedules,
                              ScheduleRunRepository runs) {
        this.transactions = transactions;
        this.schedules = schedules;
        this.runs = runs;
    }

    /** Newest first, at most {@value #HISTORY_LIMIT}; 404 for an unknown schedule or another organization's. */
    public List<ScheduleRun> history(String organizationId, String scheduleId) {
        return transactions.executeRead(status -> {
            if (schedules.find(organizationId, scheduleId).isEmpty()) {
                throw ProblemException.notFound("Schedule", scheduleId);
            }
            return runs.listForSchedule(organizationId, scheduleId, HISTORY_LIMIT);
        });
    }
}
