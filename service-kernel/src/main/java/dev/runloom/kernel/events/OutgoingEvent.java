package dev.runloom.kernel.events;

import dev.runloom.events.EventType;
import io.micronaut.core.annotation.Nullable;

/**
 * An event a service wants published through its outbox: the contract (type, and through it the
 * stream), the key whose order matters, the CloudEvents subject, the tenant and the payload.
 * Built with {@link #of}, so a payload always matches its contract's record type.
 */
public record OutgoingEvent(EventType<?> type, String key, String subject, @Nullable String organizationId,
                            Object payload) {

    public static <T> OutgoingEvent of(EventType<T> type, String key, String subject, @Nullable String organizationId,
                                       T payload) {
        return new OutgoingEvent(type, key, subject, organizationId, payload);
    }
}
