package dev.runloom.kernel;

import dev.runloom.events.EventCatalog;
import dev.runloom.events.EventStream;
import dev.runloom.events.EventType;
import io.micronaut.context.annotation.Factory;
import io.micronaut.serde.annotation.Serdeable;
import jakarta.inject.Singleton;

import java.util.List;

/** The kernel tests' own contract: a stream of things, with one event type. */
public final class TestEvents implements EventCatalog {
    public static final EventStream THINGS = new EventStream("runloom.test.things.v1", "thing id", "Test things.");
    public static final EventType<Thing> THING_CHANGED = EventType.of("runloom.test.thing.changed.v1", THINGS,
            Thing.class, "A thing changed.");
    /** A second type on the same stream, which the test consumer does not handle. */
    public static final EventType<Thing> THING_ARCHIVED = EventType.of("runloom.test.thing.archived.v1", THINGS,
            Thing.class, "A thing was archived.");

    @Serdeable
    public record Thing(String id, int n) {
    }

    @Override
    public String producer() {
        return "kernel-test";
    }

    @Override
    public List<EventStream> streams() {
        return List.of(THINGS);
    }

    @Override
    public List<EventType<?>> types() {
        return List.of(THING_CHANGED, THING_ARCHIVED);
    }

    /** The kernel tests' service publishes these, so the topic bootstrap creates the topic. */
    @Factory
    static class Published {
        @Singleton
        EventCatalog testEvents() {
            return new TestEvents();
        }
    }
}
