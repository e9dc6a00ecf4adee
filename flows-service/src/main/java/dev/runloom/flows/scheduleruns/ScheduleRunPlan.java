package dev.runloom.flows.scheduleruns;

import dev.runloom.flows.batches.BatchOptions;
import dev.runloom.flows.batches.BatchRequest;
import dev.runloom.flows.engine.CompiledFlow;
import dev.runloom.flows.recordsource.SourceRecord;
import dev.runloom.schedules.events.ScheduleRunRequestedV1;
import io.micronaut.core.annotation.Nullable;

import java.util.List;

/**
 * What a schedule run will do, worked out before its transaction: run a flow over records with the
 * run's inputs and options, or fail with a reason (so the run ends too).
 */
record ScheduleRunPlan(ScheduleRunRequestedV1 run, @Nullable CompiledFlow flow, @Nullable String recordType,
                       List<SourceRecord> records, BatchOptions options, @Nullable String failure) {

    static ScheduleRunPlan batch(ScheduleRunRequestedV1 run, CompiledFlow flow, String recordType,
                                 List<SourceRecord> records, BatchOptions options) {
        return new ScheduleRunPlan(run, flow, recordType, records, options, null);
    }

    static ScheduleRunPlan failure(ScheduleRunRequestedV1 run, String why) {
        return new ScheduleRunPlan(run, null, null, List.of(), BatchOptions.DEFAULTS, why);
    }

    /** The batch's id (minted by schedules-service; null from one that did not mint it), inputs and options. */
    BatchRequest request() {
        return new BatchRequest(batchId(run), run.runId(), run.inputs(), options);
    }

    static @Nullable String batchId(ScheduleRunRequestedV1 run) {
        return run.batchId() == null || run.batchId().isBlank() ? null : run.batchId();
    }
}
