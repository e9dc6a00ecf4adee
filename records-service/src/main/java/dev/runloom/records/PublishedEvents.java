package dev.runloom.records;

import dev.runloom.events.EventCatalog;
import dev.runloom.records.events.RecordEvents;
import io.micronaut.context.annotation.Factory;
import jakarta.inject.Singleton;

/** The events this service publishes through its outbox; their topics are created at start-up. */
@Factory
class PublishedEvents {
    @Singleton
    EventCatalog recordEvents() {
        return new RecordEvents();
    }
}
