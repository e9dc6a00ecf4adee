package dev.runloom.events;

/**
 * A Kafka topic of the platform, owned by the service that produces it: its base name
 * ({@code runloom.<domain>.<stream>.v1}; a deployment may prefix it), which aggregate id is the
 * record key (the order that holds), and what flows on it. Declared once, in the producer's
 * contract module; every consumer, the topic bootstrap and docs/asyncapi.yaml use the declaration.
 */
public record EventStream(String name, String key, String description) {

    public EventStream {
        if (!name.matches("runloom\\.[a-z]+\\.[a-z-]+\\.v[0-9]+")) {
            throw new IllegalArgumentException("stream name must be runloom.<domain>.<stream>.v<n>: " + name);
        }
    }

    /** The dead-letter topic of a (possibly prefixed) topic name. */
    public static String deadLetterTopic(String topic) {
        return topic + ".dlq";
    }
}
