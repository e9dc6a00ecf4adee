package dev.runloom.flows.batches;

import dev.runloom.flows.engine.CompiledFlow;
import dev.runloom.flows.records.SourceRecord;
import io.micronaut.core.annotation.Nullable;

import java.util.List;

/** What a schedule run will do, worked out before its transaction: run a flow over records, or fail. */
public record ScheduleRunPlan(@Nullable CompiledFlow flow, @Nullable String recordType, List<SourceRecord> records,
                              @Nullable String failure) {

    static ScheduleRunPlan batch(CompiledFlow flow, String recordType, List<SourceRecord> records) {
        return new ScheduleRunPlan(flow, recordType, records, null);
    }

    static ScheduleRunPlan failure(String why) {
        return new ScheduleRunPlan(null, null, List.of(), why);
    }
}
