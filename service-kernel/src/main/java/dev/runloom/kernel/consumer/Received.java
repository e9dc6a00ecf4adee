package dev.runloom.kernel.consumer;

import dev.runloom.events.EventType;
import io.micronaut.core.annotation.Nullable;

import java.util.Map;

/**
 * An event delivered to a handler: its CloudEvents id (the dedup key), its contract, subject,
 * tenant and Kafka key, its payload read as the contract's record, and its CloudEvents extension
 * attributes (name → value, {@code runloomorg} and {@code traceparent} included).
 */
public record Received<T>(String id, EventType<T> type, @Nullable String subject, @Nullable String organizationId,
                          @Nullable String key, T payload, Map<String, String> extensions) {

    public Received {
        extensions = extensions == null ? Map.of() : Map.copyOf(extensions);
    }

    /** An event without extension attributes. */
    public Received(String id, EventType<T> type, @Nullable String subject, @Nullable String organizationId,
                    @Nullable String key, T payload) {
        this(id, type, subject, organizationId, key, payload, Map.of());
    }

    /** The value of an extension attribute; null when the event does not carry it. */
    public @Nullable String extension(String name) {
        return extensions.get(name);
    }
}
