package dev.runloom.agents.scheduleruns;

import dev.runloom.agents.loop.RanExecution;
import dev.runloom.schedules.events.ScheduleRunRequestedV1;
import io.micronaut.core.annotation.Nullable;

/**
 * What the prepare phase made of a schedule's request to run an agent: the execution that ran (its
 * loop done, not yet recorded), or why it could not run ({@code notRunReason}).
 */
record ScheduledRun(ScheduleRunRequestedV1 request, String executionId, @Nullable RanExecution ran,
                    @Nullable String notRunReason) {

    static ScheduledRun ran(ScheduleRunRequestedV1 request, RanExecution ran) {
        return new ScheduledRun(request, ran.execution().id(), ran, null);
    }

    static ScheduledRun notRun(ScheduleRunRequestedV1 request, String executionId, String reason) {
        return new ScheduledRun(request, executionId, null, reason);
    }
}
