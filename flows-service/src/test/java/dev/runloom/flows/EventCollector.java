package dev.runloom.flows;

import dev.runloom.flows.events.FlowEvents;
import dev.runloom.kernel.events.CloudEventCodec;
import dev.runloom.testsupport.Poll;
import dev.runloom.testsupport.ServiceTestEnvironment;
import io.cloudevents.CloudEvent;
import io.micronaut.core.type.Argument;
import io.micronaut.json.JsonMapper;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/** Reads the service's published topics for real, from the beginning, in a background thread. */
final class EventCollector implements AutoCloseable {

    /** {@code scheduleRun}: the {@code runloomschedulerun} extension, null when absent. */
    record Event(String id, String topic, String key, String type, String subject, String organizationId,
                 Map<String, Object> data, String scheduleRun) {
    }

    private final List<Event> events = new CopyOnWriteArrayList<>();
    private final KafkaConsumer<String, byte[]> consumer;
    private final JsonMapper json;
    private final Thread thread;
    private volatile boolean running = true;

    /** The service's published flow streams (executions, batches) of the test class's environment. */
    static EventCollector flowEvents(ServiceTestEnvironment env, JsonMapper json) {
        return new EventCollector(env.kafkaBootstrapServers(),
                List.of(env.topic(FlowEvents.EXECUTIONS), env.topic(FlowEvents.BATCHES)), json);
    }

    EventCollector(String bootstrapServers, List<String> topics, JsonMapper json) {
        this.json = json;
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "test-collector-" + UUID.randomUUID());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
        consumer.subscribe(topics);
        thread = Thread.ofPlatform().daemon().name("test-event-collector").start(this::loop);
    }

    private void loop() {
        while (running) {
            for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                CloudEvent event = CloudEventCodec.fromRecord(record);
                Object org = event.getExtension(CloudEventCodec.ORGANIZATION_EXTENSION);
                Object scheduleRun = event.getExtension(CloudEventCodec.SCHEDULE_RUN_EXTENSION);
                events.add(new Event(event.getId(), record.topic(), record.key(), event.getType(), event.getSubject(),
                        org == null ? null : org.toString(), parse(event.getData().toBytes()),
                        scheduleRun == null ? null : scheduleRun.toString()));
            }
        }
        consumer.close();
    }

    private Map<String, Object> parse(byte[] data) {
        try {
            return json.readValue(data, Argument.mapOf(String.class, Object.class));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits (30 s at most) until at least {@code count} events match; returns the matching ones. */
    List<Event> await(String type, Predicate<Event> filter, int count) {
        return Poll.until(() -> matching(type, filter), matching -> matching.size() >= count);
    }

    /** Waits at most {@code timeout} until at least {@code count} events match; returns the matching ones. */
    List<Event> await(String type, Predicate<Event> filter, int count, Duration timeout) {
        return Poll.until(() -> matching(type, filter), matching -> matching.size() >= count, timeout);
    }

    List<Event> matching(String type, Predicate<Event> filter) {
        return events.stream().filter(e -> e.type().equals(type)).filter(filter).toList();
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.join(5000);
    }
}
