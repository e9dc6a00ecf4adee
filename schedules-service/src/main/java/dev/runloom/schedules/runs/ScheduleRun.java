package dev.runloom.schedules.runs;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;

import java.math.BigDecimal;
import java.time.Instant;

/**
 * One firing of a schedule (table {@code schedule_runs}). {@code trigger} is {@code cron},
 * {@code once} or {@code manual}; {@code scheduledFor} is the fire time it answers (the time of the
 * request for manual runs). {@code batchExecutionId} (flow target) or {@code agentExecutionId}
 * (agent target) is minted here when the run is requested, and the target's service gives its
 * batch or execution that id. Counters come from flows-service's batch events; an agent run's
 * outcome, {@code totalTokens} and {@code totalCost} from agents-service's completion event (the
 * last two are internal: the reference's run object has no such fields).
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
                          Instant createdAt,
                          @Nullable Long totalTokens,
                          @Nullable BigDecimal totalCost) {

    public static final String TRIGGER_MANUAL = "manual";
    public static final String OVERLAP_ERROR = "previous run still running";
    public static final String MISSED_ERROR = "fire time missed while the scheduler was unavailable or behind; "
            + "skipped (missedRunPolicy skip)";

    /**
     * A run waiting for its target's service to pick it up, with the id that service will give its
     * batch ({@code batchExecutionId}, flow targets) or execution ({@code agentExecutionId}, agent targets).
     */
    public static ScheduleRun pending(String id, String scheduleId, String organizationId, String trigger,
                                      @Nullable String flowId, @Nullable String agentId,
                                      @Nullable String batchExecutionId, @Nullable String agentExecutionId,
                                      Instant scheduledFor, Instant now) {
        return new ScheduleRun(id, scheduleId, organizationId, RunStatus.PENDING, trigger, flowId, agentId,
                batchExecutionId, agentExecutionId, 0, 0, 0, null, scheduledFor, null, null, now, null, null);
    }

    /** A fire that did not run: {@code reason} says why ({@link #OVERLAP_ERROR}, {@link #MISSED_ERROR}). */
    public static ScheduleRun skipped(String id, String scheduleId, String organizationId, String trigger,
                                      @Nullable String flowId, @Nullable String agentId, Instant scheduledFor,
                                      Instant now, String reason) {
        return new ScheduleRun(id, scheduleId, organizationId, RunStatus.SKIPPED, trigger, flowId, agentId, null, null,
                0, 0, 0, reason, scheduledFor, null, now, now, null, null);
    }
}
