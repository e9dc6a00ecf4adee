package dev.runloom.events;

/**
 * One published contract: the CloudEvents {@code type} ({@code runloom.<domain>.<event>.v<n>}),
 * the stream it travels on and the versioned payload record. A change that breaks a consumer is a
 * new version: a new type and a new payload record, published beside the old one.
 *
 * @param <T> the payload record, serialised as the CloudEvent's JSON data
 */
public record EventType<T>(String type, EventStream stream, Class<T> payload, String description) {

    public EventType {
        if (!type.matches("runloom\\.[a-z]+\\.[a-z-]+\\.[a-z-]+\\.v[0-9]+")) {
            throw new IllegalArgumentException("event type must be runloom.<domain>.<entity>.<event>.v<n>: " + type);
        }
    }

    public static <T> EventType<T> of(String type, EventStream stream, Class<T> payload, String description) {
        return new EventType<>(type, stream, payload, description);
    }
}
