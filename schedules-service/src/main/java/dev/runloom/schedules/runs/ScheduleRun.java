package dev.runloom.schedules.runs;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;

import java.time.Instant;

/**
 * One firing of a schedule (table {@code schedule_runs}). {@code trigger} is {@code cron},
 * {@code once} or {@code manual}; {@code scheduledFor} is the fire time it answers (the time of the
 * request for manual runs). Counters and {@code batchExecutionId} come from flows-service's batch events.
 */
@MappedEntity("schedule_runs")
public record ScheduleRun(@Id String id,
                          String scheduleId,
                          String organizationId,
                          String status,
                          String trigger,
                          @Nullable String flowId,
                          @Nullable String agentId,
                          @Nullable String batchExecutionId,
                          @Nullable String agentExecutionId,
                          int totalRecords,
                          int processedRecords,
                          int failedRecords,
                          @Nullable String error,
                          Instant scheduledFor,
                          @Nullable Instant startedAt,
                          @Nullable Instant completedAt,
                          Instant createdAt) {

    public static final String TRIGGER_MANUAL = "manual";
    public static final String OVERLAP_ERROR = "previous run still running";

    /** A run waiting for flows-service to pick it up. */
    public static ScheduleRun pending(String id, String scheduleId, String organizationId, String trigger,
                                      @Nullable String flowId, @Nullable String agentId, Instant scheduledFor, Instant now) {
        return new ScheduleRun(id, scheduleId, organizationId, RunStatus.PENDING, trigger, flowId, agentId, null, null,
                0, 0, 0, null, scheduledFor, null, null, now);
    }

    /** A fire that did not run because the schedule's previous run is still active. */
    public static ScheduleRun skipped(String id, String scheduleId, String organizationId, String trigger,
                                      @Nullable String flowId, @Nullable String agentId, Instant scheduledFor, Instant now) {
        return new ScheduleRun(id, scheduleId, organizationId, RunStatus.SKIPPED, trigger, flowId, agentId, null, null,
                0, 0, 0, OVERLAP_ERROR, scheduledFor, null, now, now);
    }
}
