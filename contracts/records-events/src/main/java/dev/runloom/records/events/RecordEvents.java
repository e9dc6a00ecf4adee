package dev.runloom.records.events;

import dev.runloom.events.EventCatalog;
import dev.runloom.events.EventStream;
import dev.runloom.events.EventType;

import java.util.List;

/** What records-service publishes. Documented for outside consumers in docs/asyncapi.yaml. */
public final class RecordEvents implements EventCatalog {
    /** Record lifecycle events, keyed by record id. */
    public static final EventStream RECORDS = new EventStream("runloom.records.records.v1", "record id",
            "Record lifecycle events.");

    public static final EventType<RecordCreatedV1> RECORD_CREATED = EventType.of("runloom.records.record.created.v1",
            RECORDS, RecordCreatedV1.class, "A record was created.");

    public static final EventType<RecordUpdatedV1> RECORD_UPDATED = EventType.of("runloom.records.record.updated.v1",
            RECORDS, RecordUpdatedV1.class, "A record was changed; the payload is the record as it is now.");

    @Override
    public String producer() {
        return "records-service";
    }

    @Override
    public List<EventStream> streams() {
        return List.of(RECORDS);
    }

    @Override
    public List<EventType<?>> types() {
        return List.of(RECORD_CREATED, RECORD_UPDATED);
    }
}
