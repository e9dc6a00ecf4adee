package dev.runloom.kernel.consumer;

import dev.runloom.events.EventStream;
import dev.runloom.kernel.kafka.EventProducer;
import jakarta.inject.Singleton;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * Moves a message that cannot be processed to {@code <topic>.dlq}: same key, value and headers,
 * plus headers saying which consumer failed, why, and where the message came from.
 */
@Singleton
public class DeadLetters {
    public static final String ERROR_HEADER = "runloom_dlq_error";
    public static final String CONSUMER_HEADER = "runloom_dlq_consumer";
    public static final String ORIGIN_HEADER = "runloom_dlq_origin";

    private final EventProducer producer;

    public DeadLetters(EventProducer producer) {
        this.producer = producer;
    }

    public void send(ConsumerRecord<String, byte[]> failed, String consumer, Throwable error) {
        ProducerRecord<String, byte[]> dead = new ProducerRecord<>(EventStream.deadLetterTopic(failed.topic()), failed.key(), failed.value());
        for (Header header : failed.headers()) {
            dead.headers().add(header);
        }
        String reason = error.getClass().getSimpleName() + ": " + error.getMessage();
        if (reason.length() > 2000) { // a failed batch statement quotes every bound value
            reason = reason.substring(0, 2000) + "…";
        }
        dead.headers().add(ERROR_HEADER, reason.getBytes(StandardCharsets.UTF_8));
        dead.headers().add(CONSUMER_HEADER, consumer.getBytes(StandardCharsets.UTF_8));
        dead.headers().add(ORIGIN_HEADER, (failed.topic() + "/" + failed.partition() + "@" + failed.offset())
                .getBytes(StandardCharsets.UTF_8));
        try {
            producer.send(dead).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot dead-letter a message; it will be redelivered", e);
        }
    }
}
