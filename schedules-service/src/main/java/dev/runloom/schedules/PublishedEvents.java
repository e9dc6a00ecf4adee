package dev.runloom.schedules;

import dev.runloom.events.EventCatalog;
import dev.runloom.schedules.events.ScheduleEvents;
import io.micronaut.context.annotation.Factory;
import jakarta.inject.Singleton;

/** The events this service publishes through its outbox (schedule runs); their topics are created at start-up. */
@Factory
class PublishedEvents {
    @Singleton
    EventCatalog scheduleEvents() {
        return new ScheduleEvents();
    }
}
