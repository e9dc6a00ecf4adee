package dev.runloom.schedules.results;

import dev.runloom.common.pagination.OffsetTotalPagination;
import dev.runloom.common.pagination.Paged;
import dev.runloom.common.problem.ProblemException;
import dev.runloom.schedules.runs.ScheduleRunRepository;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.transaction.TransactionOperations;
import jakarta.inject.Singleton;

import java.sql.Connection;
import java.util.List;

/** Pages of a run's per-record results with their total (pagination style B2). */
@Singleton
public class RunResultsService {
    private final TransactionOperations<Connection> transactions;
    private final ScheduleRunRepository runs;
    private final RunResultRepository results;

    public RunResultsService(TransactionOperations<Connection> transactions, ScheduleRunRepository runs,
                             RunResultRepository results) {
        this.transactions = transactions;
        this.runs = runs;
        this.results = results;
    }

    /** 404 for an unknown run or another organization's. {@code status} null for every result. */
    public Paged<RunResult, OffsetTotalPagination> page(String organizationId, String runId, @Nullable String status,
                                                        int limit, int offset) {
        return transactions.executeRead(tx -> {
            if (runs.find(organizationId, runId).isEmpty()) {
                throw ProblemException.notFound("Schedule run", runId);
            }
            List<RunResult> page = results.page(organizationId, runId, status, limit, offset);
            long total = results.count(organizationId, runId, status);
            return new Paged<>(page, OffsetTotalPagination.of(limit, offset, page.size(), total));
        });
    }
}
