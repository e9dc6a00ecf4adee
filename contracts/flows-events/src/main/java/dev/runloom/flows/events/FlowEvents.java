package dev.runloom.flows.events;

import dev.runloom.events.EventCatalog;
import dev.runloom.events.EventStream;
import dev.runloom.events.EventType;

import java.util.List;

/** What flows-service publishes. Documented for outside consumers in docs/asyncapi.yaml. */
public final class FlowEvents implements EventCatalog {
    /** One event per finished flow execution of a record, keyed by record id. */
    public static final EventStream EXECUTIONS = new EventStream("runloom.flows.executions.v1", "record id",
            "One event per finished flow execution of a record.");
    /** Batch lifecycle (started, completed), keyed by batch id. */
    public static final EventStream BATCHES = new EventStream("runloom.flows.batches.v1", "batch id",
            "Batch lifecycle: started, completed.");
    /**
     * Events flows publish themselves ({@code send-event} steps), keyed by organization id: one
     * topic for every organization, the organization in the key, the payload and the CloudEvents
     * {@code runloomorg} extension, so a consumer subscribes once and filters by tenant.
     */
    public static final EventStream CUSTOM_EVENTS = new EventStream("runloom.flows.custom-events.v1", "organization id",
            "Events published by flows' send-event steps, for consumers that react to flows.");

    public static final EventType<RecordExecutionCompletedV1> RECORD_EXECUTION_COMPLETED = EventType.of(
            "runloom.flows.record-execution.completed.v1", EXECUTIONS, RecordExecutionCompletedV1.class,
            "A flow finished running on one record, successfully or not; carries the record results.");
    public static final EventType<BatchStartedV1> BATCH_STARTED = EventType.of("runloom.flows.batch.started.v1",
            BATCHES, BatchStartedV1.class, "A batch (run-on-record-type or a schedule run) started.");
    public static final EventType<BatchCompletedV1> BATCH_COMPLETED = EventType.of("runloom.flows.batch.completed.v1",
            BATCHES, BatchCompletedV1.class, "Every record of a batch was processed, or the batch could not start.");
    public static final EventType<CustomEventV1> CUSTOM_EVENT = EventType.of("runloom.flows.custom-event.published.v1",
            CUSTOM_EVENTS, CustomEventV1.class, "A flow's send-event step published its data.");

    @Override
    public String producer() {
        return "flows-service";
    }

    @Override
    public List<EventStream> streams() {
        return List.of(EXECUTIONS, BATCHES, CUSTOM_EVENTS);
    }

    @Override
    public List<EventType<?>> types() {
        return List.of(RECORD_EXECUTION_COMPLETED, BATCH_STARTED, BATCH_COMPLETED, CUSTOM_EVENT);
    }
}
