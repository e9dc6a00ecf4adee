package dev.runloom.kernel.events;

import dev.runloom.events.EventStream;
import io.micronaut.context.annotation.Value;
import jakarta.inject.Singleton;

/**
 * The Kafka topic of a stream in this deployment: the stream's name behind a configurable prefix
 * ({@code runloom.kafka.topic-prefix}), which lets tests and shared clusters isolate a deployment.
 */
@Singleton
public class TopicNames {
    private final String prefix;

    public TopicNames(@Value("${runloom.kafka.topic-prefix:}") String prefix) {
        this.prefix = prefix;
    }

    public String of(EventStream stream) {
        return prefix + stream.name();
    }

    public String deadLetterOf(EventStream stream) {
        return EventStream.deadLetterTopic(of(stream));
    }

    /** Consumer group names carry the prefix too, so isolated deployments never share offsets. */
    public String group(String consumer) {
        return prefix + consumer;
    }
}
