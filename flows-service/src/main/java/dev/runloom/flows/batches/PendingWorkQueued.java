package dev.runloom.flows.batches;

/** Published in the transaction that queued chunks of work items; {@link BatchFanOut} wakes after its commit. */
public record PendingWorkQueued(int chunks) {
}
