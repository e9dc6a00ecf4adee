package dev.runloom.bench;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import dev.runloom.flows.events.BatchCompletedV1;
import dev.runloom.flows.events.FlowEvents;
import dev.runloom.kernel.events.CloudEventCodec;
import dev.runloom.schedules.events.ScheduleEvents;
import dev.runloom.schedules.events.ScheduleRunRequestedV1;
import io.cloudevents.CloudEvent;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.io.IOException;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Plays flows-service for {@link ScheduleScaleBench}: reads every run request schedules-service
 * publishes ({@code runloom.schedules.run.requested.v1}) and answers at once with the batch's
 * completion ({@code runloom.flows.batch.completed.v1}: 0 records, status {@code completed},
 * {@code scheduleRunId} = the run, {@code startedAt} = when the request arrived here), so every run
 * ends and the next minute's fire is not skipped as an overlap. Events are CloudEvents in binary
 * mode, written with the kernel's codec and an idempotent producer, keyed by batch id as flows-service
 * keys them. No database: what this process does adds nothing to the schedules database's load.
 */
final class FlowsStandIn implements AutoCloseable {
    private static final String SOURCE = "urn:runloom:flows-service";

    private final ObjectMapper json = mapper();
    private final KafkaConsumer<String, byte[]> consumer;
    private final KafkaProducer<String, byte[]> producer;
    private final Thread loop;
    private final CountDownLatch assigned = new CountDownLatch(1);
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong otherEvents = new AtomicLong();
    /** Per fire minute (the request's requestedAt, truncated): requests received and the latest arrival. */
    private final Map<Instant, MinuteTally> byMinute = new ConcurrentHashMap<>();
    private volatile boolean running = true;

    record MinuteTally(long requests, Instant lastReceived) {
    }

    FlowsStandIn(String bootstrapServers) {
        Properties c = new Properties();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        c.put(ConsumerConfig.GROUP_ID_CONFIG, "bench.flows-stand-in");
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 1000);
        c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        consumer = new KafkaConsumer<>(c);
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        producer = new KafkaProducer<>(p);
        loop = Thread.ofPlatform().name("flows-stand-in").start(this::run);
    }

    /** Waits until the consumer owns its partitions (it then reads every request from the start). */
    void awaitAssigned(Duration timeout) throws InterruptedException {
        if (!assigned.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException("the flows stand-in got no partitions of " + ScheduleEvents.RUNS.name()
                    + " within " + timeout, failure.get());
        }
        checkHealthy();
    }

    void checkHealthy() {
        if (failure.get() != null) {
            throw new IllegalStateException("the flows stand-in failed", failure.get());
        }
    }

    long requests() {
        return requests.get();
    }

    long otherEvents() {
        return otherEvents.get();
    }

    MinuteTally tally(Instant minute) {
        return byMinute.getOrDefault(minute, new MinuteTally(0, null));
    }

    private void run() {
        try {
            consumer.subscribe(List.of(ScheduleEvents.RUNS.name()), new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                }

                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                    if (!partitions.isEmpty()) {
                        assigned.countDown();
                    }
                }
            });
            while (running) {
                ConsumerRecords<String, byte[]> records = consumer.poll(Duration.ofMillis(200));
                for (ConsumerRecord<String, byte[]> record : records) {
                    answer(record);
                }
                if (!records.isEmpty()) {
                    producer.flush();
                    consumer.commitAsync();
                }
            }
        } catch (WakeupException stopping) {
            // close()
        } catch (Throwable e) {
            failure.set(e);
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    private void answer(ConsumerRecord<String, byte[]> record) throws IOException {
        Instant received = Instant.now();
        CloudEvent event = CloudEventCodec.fromRecord(record);
        if (!ScheduleEvents.RUN_REQUESTED.type().equals(event.getType()) || event.getData() == null) {
            otherEvents.incrementAndGet();
            return;
        }
        ScheduleRunRequestedV1 request = json.readValue(event.getData().toBytes(), ScheduleRunRequestedV1.class);
        String batchId = request.batchId() != null ? request.batchId() : "batch_bench_" + UUID.randomUUID();
        Instant now = Instant.now();
        BatchCompletedV1 completed = new BatchCompletedV1(batchId, request.organizationId(), request.flowId(),
                request.recordType(), 0, 0, 0, "completed", null, request.runId(), received, now, BigDecimal.ZERO);
        CloudEvent reply = CloudEventCodec.build("evt_" + UUID.randomUUID(), SOURCE, FlowEvents.BATCH_COMPLETED.type(),
                batchId, request.organizationId(), null, Map.of(CloudEventCodec.SCHEDULE_RUN_EXTENSION, request.runId()),
                now.atOffset(ZoneOffset.UTC), json.writeValueAsBytes(completed));
        producer.send(CloudEventCodec.toRecord(FlowEvents.BATCHES.name(), batchId, reply), (metadata, error) -> {
            if (error != null) {
                failure.compareAndSet(null, error);
            }
        });
        requests.incrementAndGet();
        byMinute.merge(request.requestedAt().truncatedTo(ChronoUnit.MINUTES), new MinuteTally(1, received),
                (a, b) -> new MinuteTally(a.requests() + 1, b.lastReceived()));
    }

    /** Stops consuming and producing; safe to call twice. */
    @Override
    public synchronized void close() {
        if (!running) {
            return;
        }
        running = false;
        consumer.wakeup();
        try {
            loop.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        producer.close(Duration.ofSeconds(5));
    }

    /**
     * Jackson for the contract records (plain Java records). Instants are ISO-8601 strings, as the
     * services' micronaut-serde writes and reads them; numbers (epoch seconds) are read too.
     */
    private static ObjectMapper mapper() {
        SimpleModule instants = new SimpleModule("instants");
        instants.addSerializer(Instant.class, ToStringSerializer.instance);
        instants.addDeserializer(Instant.class, new StdDeserializer<>(Instant.class) {
            @Override
            public Instant deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
                if (p.currentToken() == JsonToken.VALUE_STRING) {
                    return Instant.parse(p.getText());
                }
                BigDecimal seconds = p.getDecimalValue();
                return Instant.ofEpochSecond(seconds.longValue(),
                        seconds.remainder(BigDecimal.ONE).movePointRight(9).longValue());
            }
        });
        return new ObjectMapper().registerModule(instants)
                .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    }
}
