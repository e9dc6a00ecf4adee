package dev.runloom.kernel.events;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.kafka.KafkaMessageFactory;
import io.micronaut.core.annotation.Nullable;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.net.URI;
import java.time.OffsetDateTime;

/**
 * CloudEvents 1.0 in Kafka binary mode: attributes travel as {@code ce_*} headers, the JSON
 * payload is the record value. Extensions carry the tenant and the W3C trace context.
 */
public final class CloudEventCodec {
    public static final String ORGANIZATION_EXTENSION = "runloomorg";
    public static final String TRACEPARENT_EXTENSION = "traceparent";

    private CloudEventCodec() {
    }

    public static CloudEvent build(String id, String source, String type, String subject,
                                   @Nullable String organizationId, @Nullable String traceparent,
                                   OffsetDateTime time, byte[] json) {
        CloudEventBuilder builder = CloudEventBuilder.v1()
                .withId(id)
                .withSource(URI.create(source))
                .withType(type)
                .withSubject(subject)
                .withTime(time)
                .withDataContentType("application/json")
                .withData(json);
        if (organizationId != null) {
            builder.withExtension(ORGANIZATION_EXTENSION, organizationId);
        }
        if (traceparent != null) {
            builder.withExtension(TRACEPARENT_EXTENSION, traceparent);
        }
        return builder.build();
    }

    public static ProducerRecord<String, byte[]> toRecord(String topic, String key, CloudEvent event) {
        return KafkaMessageFactory.createWriter(topic, key).writeBinary(event);
    }

    /** @throws RuntimeException when the record is not a CloudEvent (such a record is dead-lettered). */
    public static CloudEvent fromRecord(ConsumerRecord<String, byte[]> record) {
        return KafkaMessageFactory.createReader(record).toEvent();
    }
}
