package dev.runloom.schedules.runs;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;

import java.time.Instant;

/** A schedule run as {@code GET /v1/schedules/:id/runs} lists it (reference §2.9). */
@Serdeable
public record ScheduleRunResponse(String id,
                                  String scheduleId,
                                  String status,
                                  @Nullable String flowId,
                                  @Nullable String agentId,
                                  @Nullable String batchExecutionId,
                                  @Nullable String agentExecutionId,
                                  int totalRecords,
                                  int processedRecords,
                                  int failedRecords,
                                  @Nullable String error,
                                  @Nullable Instant startedAt,
                                  @Nullable Instant completedAt,
                                  Instant createdAt) {

    public static ScheduleRunResponse from(ScheduleRun run) {
        return new ScheduleRunResponse(run.id(), run.scheduleId(), run.status(), run.flowId(), run.agentId(),
                run.batchExecutionId(), run.agentExecutionId(), run.totalRecords(), run.processedRecords(),
                run.failedRecords(), run.error(), run.startedAt(), run.completedAt(), run.createdAt());
    }
}
