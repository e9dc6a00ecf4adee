package dev.runloom.kernel.outbox;

import dev.runloom.kernel.events.CloudEventCodec;
import dev.runloom.kernel.kafka.EventProducer;
import io.cloudevents.CloudEvent;
import io.micronaut.context.annotation.Value;
import io.micronaut.core.annotation.Nullable;
import jakarta.inject.Singleton;
import org.apache.kafka.clients.producer.RecordMetadata;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Sends a round of stored events to Kafka as CloudEvents and returns only once the broker
 * acknowledged every one of them (or throws). That is what lets the caller delete what it sent in the
 * transaction that claimed it: the {@link OutboxRelay} its outbox rows, a service the events it
 * queued in a table of its own (flows-service's chunks of batch work items). A caller that dies
 * between the send and its commit sends the same events again, with the same ids: at-least-once,
 * which the consumers' inbox absorbs, and never a loss.
 */
@Singleton
public class AcknowledgedPublisher {
    private final EventProducer producer;
    private final String source;

    public AcknowledgedPublisher(EventProducer producer, @Value("${runloom.service-name}") String serviceName) {
        this.producer = producer;
        this.source = "urn:runloom:" + serviceName;
    }

    /** One stored event: its id, where it goes (topic, key), its attributes and its JSON payload. */
    public record StoredEvent(String id, String topic, String key, String type, @Nullable String subject,
                              @Nullable String organizationId, @Nullable String traceparent,
                              Map<String, String> extensions, Instant time, String payload) {
    }

    /** @throws OutboxException when the broker did not acknowledge every event (nothing may be deleted then) */
    public void publishAll(List<StoredEvent> events) {
        List<Future<RecordMetadata>> acks = new ArrayList<>(events.size());
        for (StoredEvent stored : events) {
            CloudEvent event = CloudEventCodec.build(stored.id(), source, stored.type(), stored.subject(),
                    stored.organizationId(), stored.traceparent(), stored.extensions(), stored.time().atOffset(ZoneOffset.UTC),
                    stored.payload().getBytes(StandardCharsets.UTF_8));
            acks.add(producer.send(CloudEventCodec.toRecord(stored.topic(), stored.key(), event)));
        }
        producer.flush();
        for (Future<RecordMetadata> ack : acks) {
            try {
                ack.get(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new OutboxException("interrupted while waiting for the broker's acknowledgement", e);
            } catch (Exception e) {
                throw new OutboxException("broker did not acknowledge an event", e);
            }
        }
    }
}
