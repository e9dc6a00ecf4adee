package dev.runloom.testsupport;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * A test's own door to the broker, as another service would use it: it produces records
 * synchronously and reads topics from the beginning with a plain consumer that joins no group, so
 * the services' consumers are not disturbed. Records are {@code String} keys and {@code byte[]}
 * values, as the platform's CloudEvents are (build them with the platform's codec).
 *
 * <pre>{@code
 * @Inject KafkaTestTopics kafka;   // in a @MicronautTest: for the context's broker, closed with the context
 *
 * kafka.produce(CloudEventCodec.toRecord(topic, key, event));
 * ConsumerRecord<String, byte[]> published = kafka.awaitFirst(topic, r -> id.equals(r.key()), Duration.ofSeconds(30));
 * }</pre>
 *
 * Elsewhere, {@code new KafkaTestTopics(bootstrapServers)}, closed after use.
 */
public final class KafkaTestTopics implements AutoCloseable {
    /** How long reads go on after the records they waited for, to catch copies beyond them. */
    private static final Duration LINGER = Duration.ofMillis(500);
    private static final Duration POLL = Duration.ofMillis(200);

    private final String bootstrapServers;
    private KafkaProducer<String, byte[]> producer; // made on first use: most tests only read

    public KafkaTestTopics(String bootstrapServers) {
        this.bootstrapServers = bootstrapServers;
    }

    /** Sends the record and returns once every in-sync replica has it. */
    public void produce(ProducerRecord<String, byte[]> record) {
        try {
            producer().send(record).get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted producing to " + record.topic(), e);
        } catch (ExecutionException | TimeoutException e) {
            throw new AssertionError("could not produce to " + record.topic(), e);
        }
    }

    /** Every record of the topic, as {@link #read(String, Predicate, int, Duration)} reads them. */
    public List<ConsumerRecord<String, byte[]>> read(String topic, int count, Duration timeout) {
        return read(topic, record -> true, count, timeout);
    }

    /**
     * The records of the topic that match, read from the beginning until {@code count} of them
     * arrived or the timeout passed, then a moment longer, so that more than {@code count} (copies)
     * show. Fewer than {@code count} when the timeout passed: the caller asserts how many it wants.
     */
    public List<ConsumerRecord<String, byte[]>> read(String topic, Predicate<? super ConsumerRecord<String, byte[]>> matching,
                                                     int count, Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        List<ConsumerRecord<String, byte[]>> read = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = fromTheBeginning(topic, deadline)) {
            while (read.size() < count && Instant.now().isBefore(deadline)) {
                poll(consumer, POLL, matching, read);
            }
            poll(consumer, LINGER, matching, read);
        }
        return read;
    }

    /** The first record of the topic that matches, read from the beginning; fails the test if none arrives in time. */
    public ConsumerRecord<String, byte[]> awaitFirst(String topic, Predicate<? super ConsumerRecord<String, byte[]>> matching,
                                                     Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        try (KafkaConsumer<String, byte[]> consumer = fromTheBeginning(topic, deadline)) {
            while (Instant.now().isBefore(deadline)) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(POLL)) {
                    if (matching.test(record)) {
                        return record;
                    }
                }
            }
        }
        throw new AssertionError("no matching record on " + topic + " within " + timeout);
    }

    @Override
    public synchronized void close() {
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
            producer = null;
        }
    }

    private synchronized KafkaProducer<String, byte[]> producer() {
        if (producer == null) {
            Properties props = new Properties();
            props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
            props.put(ProducerConfig.ACKS_CONFIG, "all");
            producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
        }
        return producer;
    }

    /** A consumer of all the topic's partitions, at their beginnings; waits for the topic to exist. */
    private KafkaConsumer<String, byte[]> fromTheBeginning(String topic, Instant deadline) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        KafkaConsumer<String, byte[]> consumer =
                new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
        try {
            List<TopicPartition> partitions = partitions(consumer, topic);
            while (partitions.isEmpty()) {
                if (!Instant.now().isBefore(deadline)) {
                    throw new AssertionError("topic " + topic + " does not exist");
                }
                Poll.pause(Duration.ofMillis(100));
                partitions = partitions(consumer, topic);
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            return consumer;
        } catch (RuntimeException | Error e) {
            consumer.close();
            throw e;
        }
    }

    private static List<TopicPartition> partitions(KafkaConsumer<?, ?> consumer, String topic) {
        return consumer.partitionsFor(topic).stream().map(p -> new TopicPartition(topic, p.partition())).toList();
    }

    private static void poll(KafkaConsumer<String, byte[]> consumer, Duration timeout,
                             Predicate<? super ConsumerRecord<String, byte[]>> matching,
                             List<ConsumerRecord<String, byte[]>> into) {
        for (ConsumerRecord<String, byte[]> record : consumer.poll(timeout)) {
            if (matching.test(record)) {
                into.add(record);
            }
        }
    }
}
