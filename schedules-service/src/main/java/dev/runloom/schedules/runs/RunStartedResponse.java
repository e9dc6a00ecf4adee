package dev.runloom.schedules.runs;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;

/**
 * {@code POST /v1/schedules/:id/run} answer (reference S12 is a guess). The batch or agent
 * execution is started from the run-requested event, after this answers; its id is minted here
 * with the run, so {@code batchExecutionId} (flow target) or {@code agentExecutionId} (agent
 * target) is known at once and the other is null.
 */
@Serdeable
public record RunStartedResponse(String runId, String scheduleId, String status,
                                 @Nullable String batchExecutionId, @Nullable String agentExecutionId) {

    public static RunStartedResponse from(ScheduleRun run) {
        return new RunStartedResponse(run.id(), run.scheduleId(), run.status(), run.batchExecutionId(),
                run.agentExecutionId());
    }
}
