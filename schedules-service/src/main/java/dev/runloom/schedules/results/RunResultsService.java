package dev.runloom.schedules.results;

import dev.runloom.common.pagination.OffsetTotalPagination;
import dev.runloom.common.pagination.Paged;
import dev.runloom.common.problem.ProblemException;
import dev.runloom.schedules.runs.ScheduleRunRepository;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.transaction.annotation.Transactional;
import jakarta.inject.Singleton;

import java.util.List;

/** Pages of a run's (or its batch's) per-record results with their total (pagination style B2). */
@Singleton
public class RunResultsService {
    private final ScheduleRunRepository runs;
    private final RunResultRepository results;

    public RunResultsService(ScheduleRunRepository runs, RunResultRepository results) {
        this.runs = runs;
        this.results = results;
    }

    /** 404 for an unknown run or another organization's. {@code status} null for every result. */
    @Transactional(readOnly = true)
    public Paged<RunResult, OffsetTotalPagination> page(String organizationId, String runId, @Nullable String status,
                                                        int limit, int offset) {
        if (!runs.existsByOrganizationIdAndId(organizationId, runId)) {
            throw ProblemException.notFound("Schedule run", runId);
        }
        return pageOfRun(organizationId, runId, status, limit, offset);
    }

    /**
     * The results of the run that started batch {@code batchId}; 404 when no run of the
     * organization did (another organization's batch, or a batch no schedule started).
     */
    @Transactional(readOnly = true)
    public Paged<RunResult, OffsetTotalPagination> pageOfBatch(String organizationId, String batchId,
                                                               @Nullable String status, int limit, int offset) {
        String runId = runs.findByOrganizationIdAndBatchExecutionId(organizationId, batchId)
                .orElseThrow(() -> ProblemException.notFound("Batch", batchId)).id();
        return pageOfRun(organizationId, runId, status, limit, offset);
    }

    private Paged<RunResult, OffsetTotalPagination> pageOfRun(String organizationId, String runId,
                                                              @Nullable String status, int limit, int offset) {
        List<RunResult> page = results.page(organizationId, runId, status, limit, offset);
        long total = results.count(organizationId, runId, status);
        return new Paged<>(page, OffsetTotalPagination.of(limit, offset, page.size(), total));
    }
}
