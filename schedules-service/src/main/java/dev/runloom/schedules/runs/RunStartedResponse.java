package dev.runloom.schedules.runs;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;

/**
 * {@code POST /v1/schedules/:id/run} answer (reference S12 is a guess). The batch or agent
 * execution does not exist yet when this answers — flows-service starts it from the event — so
 * both ids are null; the run's history shows them once known.
 */
@Serdeable
public record RunStartedResponse(String runId, String scheduleId, String status,
                                 @Nullable String batchExecutionId, @Nullable String agentExecutionId) {

    public static RunStartedResponse from(ScheduleRun run) {
        return new RunStartedResponse(run.id(), run.scheduleId(), run.status(), run.batchExecutionId(),
                run.agentExecutionId());
    }
}
