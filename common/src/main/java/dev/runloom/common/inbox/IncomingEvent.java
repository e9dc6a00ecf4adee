package dev.runloom.common.inbox;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.json.JsonMapper;

import java.io.IOException;
import java.io.UncheckedIOException;

/** A received CloudEvent, reduced to what handlers need. */
public record IncomingEvent(String id, String type, @Nullable String subject, @Nullable String organizationId,
                            String topic, @Nullable String key, byte[] data) {

    public <T> T payload(JsonMapper json, Class<T> type) {
        try {
            return json.readValue(data, type);
        } catch (IOException e) {
            throw new UncheckedIOException("event " + id + " payload is not a " + type.getSimpleName(), e);
        }
    }
}
