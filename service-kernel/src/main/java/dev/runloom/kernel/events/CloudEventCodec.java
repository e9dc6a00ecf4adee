package dev.runloom.kernel.events;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.kafka.KafkaMessageFactory;
import org.apache.kafka.common.header.Header;
import io.micronaut.core.annotation.Nullable;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * CloudEvents 1.0 in Kafka binary mode: attributes travel as {@code ce_*} headers, the JSON
 * payload is the record value. Extensions carry the tenant and the W3C trace context, and any
 * extension attributes the producer set on its {@link OutgoingEvent} (such as
 * {@link #SCHEDULE_RUN_EXTENSION}), which consumers can filter on without reading the payload.
 */
public final class CloudEventCodec {
    public static final String ORGANIZATION_EXTENSION = "runloomorg";
    public static final String TRACEPARENT_EXTENSION = "traceparent";
    /**
     * The schedule run an event belongs to (its value: the run id), set by flows-service and
     * agents-service on the events of runs a schedule started, so schedules-service's consumers skip
     * every other event without decoding it.
     */
    public static final String SCHEDULE_RUN_EXTENSION = "runloomschedulerun";

    /** CloudEvents 1.0 attribute names: lower-case ASCII letters and digits, at most 20 characters. */
    private static final Pattern EXTENSION_NAME = Pattern.compile("[a-z0-9]{1,20}");
    /** Names a producer may not set: the CloudEvents core attributes and the extensions the kernel sets itself. */
    private static final Set<String> RESERVED = Set.of("id", "source", "specversion", "type", "datacontenttype",
            "dataschema", "subject", "time", "data", ORGANIZATION_EXTENSION, TRACEPARENT_EXTENSION);

    private CloudEventCodec() {
    }

    /** Whether {@code name} is a valid CloudEvents attribute name (lower-case a-z and 0-9, 1 to 20 characters). */
    public static boolean isValidExtensionName(@Nullable String name) {
        return name != null && EXTENSION_NAME.matcher(name).matches();
    }

    /**
     * Checks a name a producer wants to set as an extension attribute.
     *
     * @throws IllegalArgumentException when it is not a valid CloudEvents name or is one the kernel sets itself
     */
    public static String checkExtensionName(@Nullable String name) {
        if (!isValidExtensionName(name)) {
            throw new IllegalArgumentException("CloudEvents extension names are 1 to 20 lower-case letters a-z "
                    + "and digits 0-9: '" + name + "'");
        }
        if (RESERVED.contains(name)) {
            throw new IllegalArgumentException("'" + name + "' is a CloudEvents attribute or an extension the kernel "
                    + "sets itself; it cannot be set as an extension");
        }
        return name;
    }

    public static CloudEvent build(String id, String source, String type, String subject,
                                   @Nullable String organizationId, @Nullable String traceparent,
                                   OffsetDateTime time, byte[] json) {
        return build(id, source, type, subject, organizationId, traceparent, Map.of(), time, json);
    }

    /** As the other {@code build}, with the producer's extension attributes (names checked by {@link #checkExtensionName}). */
    public static CloudEvent build(String id, String source, String type, String subject,
                                   @Nullable String organizationId, @Nullable String traceparent,
                                   Map<String, String> extensions, OffsetDateTime time, byte[] json) {
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
        extensions.forEach((name, value) -> {
            if (value != null) {
                builder.withExtension(checkExtensionName(name), value);
            }
        });
        return builder.build();
    }

    public static ProducerRecord<String, byte[]> toRecord(String topic, String key, CloudEvent event) {
        return KafkaMessageFactory.createWriter(topic, key).writeBinary(event);
    }

    /** @throws RuntimeException when the record is not a CloudEvent (such a record is dead-lettered). */
    public static CloudEvent fromRecord(ConsumerRecord<String, byte[]> record) {
        return KafkaMessageFactory.createReader(record).toEvent();
    }

    /**
     * A CloudEvents attribute straight from its Kafka header ({@code ce_<name>}, UTF-8), without reading
     * the whole event; null when absent. For cheap routing decisions before a full {@link #fromRecord}.
     */
    public static @Nullable String headerText(ConsumerRecord<String, byte[]> record, String attribute) {
        Header header = record.headers().lastHeader("ce_" + attribute);
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
