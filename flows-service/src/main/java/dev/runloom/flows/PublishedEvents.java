package dev.runloom.flows;

import dev.runloom.events.EventCatalog;
import dev.runloom.flows.batches.BatchWorkEvents;
import dev.runloom.flows.events.FlowEvents;
import io.micronaut.context.annotation.Factory;
import jakarta.inject.Singleton;

/**
 * The events this service publishes through its outbox; their topics are created at start-up:
 * the published contract, and the internal stream of batch work items its own workers consume.
 */
@Factory
class PublishedEvents {
    @Singleton
    EventCatalog flowEvents() {
        return new FlowEvents();
    }

    @Singleton
    EventCatalog batchWorkEvents() {
        return new BatchWorkEvents();
    }
}
