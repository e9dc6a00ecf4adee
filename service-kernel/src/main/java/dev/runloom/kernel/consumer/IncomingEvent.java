package dev.runloom.kernel.consumer;

import io.micronaut.core.annotation.Nullable;

import java.util.Map;

/**
 * A received CloudEvent before its payload is read: what the inbox needs to filter, claim and route
 * it. {@code extensions} are all its CloudEvents extension attributes (name → value as text),
 * {@code runloomorg} and {@code traceparent} included.
 */
record IncomingEvent(String id, String type, @Nullable String subject, @Nullable String organizationId,
                     @Nullable String traceparent, String topic, @Nullable String key, byte[] data,
                     Map<String, String> extensions) {

    /** The value of an extension attribute; null when the event does not carry it. */
    @Nullable String extension(String name) {
        return extensions.get(name);
    }
}
