package dev.runloom.flows.batches;

import dev.runloom.flows.engine.FlowExecutionOutcome;

import java.util.List;

/** How run-on-record-type went: ran in the request, or queued for the batch workers. */
public sealed interface BatchRun {
    Batch batch();

    record Inline(Batch batch, List<FlowExecutionOutcome> outcomes) implements BatchRun {
    }

    record Queued(Batch batch) implements BatchRun {
    }
}
