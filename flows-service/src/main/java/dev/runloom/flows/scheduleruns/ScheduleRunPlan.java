package dev.runloom.flows.scheduleruns;

import dev.runloom.flows.engine.CompiledFlow;
import dev.runloom.flows.recordsource.SourceRecord;
import dev.runloom.schedules.events.ScheduleRunRequestedV1;
import io.micronaut.core.annotation.Nullable;

import java.util.List;

/**
 * What a schedule run will do, worked out before its transaction: run a flow over records, or fail
 * with a reason (so the run ends too).
 */
record ScheduleRunPlan(ScheduleRunRequestedV1 run, @Nullable CompiledFlow flow, @Nullable String recordType,
                       List<SourceRecord> records, @Nullable String failure) {

    static ScheduleRunPlan batch(ScheduleRunRequestedV1 run, CompiledFlow flow, String recordType,
                                 List<SourceRecord> records) {
        return new ScheduleRunPlan(run, flow, recordType, records, null);
    }

    static ScheduleRunPlan failure(ScheduleRunRequestedV1 run, String why) {
        return new ScheduleRunPlan(run, null, null, List.of(), why);
    }
}
