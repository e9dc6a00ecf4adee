package dev.runloom.schedules.events;

import dev.runloom.events.EventCatalog;
import dev.runloom.events.EventStream;
import dev.runloom.events.EventType;

import java.util.List;

/** What schedules-service publishes. Documented for outside consumers in docs/asyncapi.yaml. */
public final class ScheduleEvents implements EventCatalog {
    /** Schedule firings, keyed by schedule id. */
    public static final EventStream RUNS = new EventStream("runloom.schedules.runs.v1", "schedule id",
            "Schedule firings (run requested).");

    public static final EventType<ScheduleRunRequestedV1> RUN_REQUESTED = EventType.of(
            "runloom.schedules.run.requested.v1", RUNS, ScheduleRunRequestedV1.class,
            "A schedule fired (cron, once or manual); the target's service starts the run.");

    @Override
    public String producer() {
        return "schedules-service";
    }

    @Override
    public List<EventStream> streams() {
        return List.of(RUNS);
    }

    @Override
    public List<EventType<?>> types() {
        return List.of(RUN_REQUESTED);
    }
}
