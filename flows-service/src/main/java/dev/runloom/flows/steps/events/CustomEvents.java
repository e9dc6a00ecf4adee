package dev.runloom.flows.steps.events;

import dev.runloom.flows.events.CustomEventV1;
import dev.runloom.flows.events.FlowEvents;
import dev.runloom.kernel.events.OutgoingEvent;
import dev.runloom.kernel.outbox.Outbox;
import io.micronaut.transaction.annotation.Transactional;
import jakarta.inject.Singleton;

/**
 * Publishes a {@code send-event} step's event through the outbox, in a transaction of its own: the
 * step runs outside the execution's write, and the outbox guarantees the event is sent (at least
 * once) once this commits.
 */
@Singleton
public class CustomEvents {
    private final Outbox outbox;

    public CustomEvents(Outbox outbox) {
        this.outbox = outbox;
    }

    @Transactional
    public void publish(CustomEventV1 event) {
        outbox.append(OutgoingEvent.of(FlowEvents.CUSTOM_EVENT, event.organizationId(), event.eventType(),
                event.organizationId(), event));
    }
}
