package dev.runloom.agents;

import dev.runloom.agents.events.AgentEvents;
import dev.runloom.events.EventCatalog;
import io.micronaut.context.annotation.Factory;
import jakarta.inject.Singleton;

/** The events this service publishes through its outbox; their topics are created at start-up. */
@Factory
class PublishedEvents {
    @Singleton
    EventCatalog agentEvents() {
        return new AgentEvents();
    }
}
