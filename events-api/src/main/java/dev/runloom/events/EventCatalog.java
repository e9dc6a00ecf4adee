package dev.runloom.events;

import java.util.List;

/**
 * What one contract module publishes: its streams and event types. Each producer's contract
 * module has exactly one, so tooling (the AsyncAPI check, the topic bootstrap) can enumerate them.
 */
public interface EventCatalog {
    /** The service that produces these events, e.g. {@code records-service}. */
    String producer();

    List<EventStream> streams();

    List<EventType<?>> types();
}
