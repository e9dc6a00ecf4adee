package dev.runloom.flows.batches;

import dev.runloom.events.EventCatalog;
import dev.runloom.events.EventStream;
import dev.runloom.events.EventType;

import java.util.List;

/**
 * flows-service's internal stream: the work items of fanned-out batches, consumed by any
 * flows-service replica. Not a published contract (no other service may rely on it), but declared
 * like one so the topic bootstrap and docs/asyncapi.yaml know it.
 */
public final class BatchWorkEvents implements EventCatalog {
    /** One work item per record of a large batch, keyed by record id. */
    public static final EventStream BATCH_WORK = new EventStream("runloom.flows.batch-work.v1", "record id",
            "Internal to flows-service: one work item per record of a fanned-out batch.");

    public static final EventType<BatchRecordWork> BATCH_RECORD_WORK = EventType.of(
            "runloom.flows.batch-record.work.v1", BATCH_WORK, BatchRecordWork.class,
            "Run one flow version for one record as part of a batch.");

    @Override
    public String producer() {
        return "flows-service";
    }

    @Override
    public List<EventStream> streams() {
        return List.of(BATCH_WORK);
    }

    @Override
    public List<EventType<?>> types() {
        return List.of(BATCH_RECORD_WORK);
    }
}
