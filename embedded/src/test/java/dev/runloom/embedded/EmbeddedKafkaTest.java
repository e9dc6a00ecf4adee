package dev.runloom.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedKafkaTest {

    private static final String TOPIC = "embedded.test";

    @TempDir
    Path dir;

    @Test
    void messagesAndTopicsSurviveARestartOnTheSameDirectory() throws Exception {
        Path data = dir.resolve("kafka");
        String clusterId;
        long t0 = System.nanoTime();
        try (EmbeddedKafka kafka = EmbeddedKafka.start(data, 0)) {
            System.out.printf("embedded Kafka (format + start) in %d ms%n", (System.nanoTime() - t0) / 1_000_000);
            try (Admin admin = admin(kafka)) {
                clusterId = admin.describeCluster().clusterId().get(30, TimeUnit.SECONDS);
                admin.createTopics(List.of(new NewTopic(TOPIC, 2, (short) 1))).all().get(30, TimeUnit.SECONDS);
                awaitLeaders(admin, TOPIC);
            }
            try (KafkaProducer<String, String> producer = producer(kafka)) {
                producer.send(new ProducerRecord<>(TOPIC, "k", "hello")).get(30, TimeUnit.SECONDS);
            }
            assertEquals(List.of("hello"), consume(kafka, 1));
            long c0 = System.nanoTime();
            kafka.close(); // close() twice (again via try) must be harmless
            System.out.printf("embedded Kafka shutdown in %d ms%n", (System.nanoTime() - c0) / 1_000_000);
        }

        long t1 = System.nanoTime();
        try (EmbeddedKafka kafka = EmbeddedKafka.start(data, 0)) {
            System.out.printf("embedded Kafka restart in %d ms%n", (System.nanoTime() - t1) / 1_000_000);
            try (Admin admin = admin(kafka)) {
                assertEquals(clusterId, admin.describeCluster().clusterId().get(30, TimeUnit.SECONDS),
                        "restart reformatted the storage");
                assertTrue(admin.listTopics().names().get(30, TimeUnit.SECONDS).contains(TOPIC));
            }
            assertEquals(List.of("hello"), consume(kafka, 1), "message written before the restart is gone");
        }
    }

    /**
     * The fault suite restarts the broker under running services: on the same port their clients
     * (bootstrapped once, never told of a new address) reconnect by themselves. A producer opened
     * before the restart delivers after it.
     */
    @Test
    void aRestartOnTheSamePortKeepsClientsWorking() throws Exception {
        Path data = dir.resolve("kafka-same-port");
        EmbeddedKafka first = EmbeddedKafka.start(data, 0);
        String address = first.bootstrapServers();
        int port = Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
        try (Admin admin = admin(first)) {
            admin.createTopics(List.of(new NewTopic(TOPIC, 2, (short) 1))).all().get(30, TimeUnit.SECONDS);
            awaitLeaders(admin, TOPIC);
        }
        try (KafkaProducer<String, String> producer = producer(first)) {
            producer.send(new ProducerRecord<>(TOPIC, "k", "before")).get(30, TimeUnit.SECONDS);
            first.close();
            try (EmbeddedKafka again = EmbeddedKafka.start(data, port)) {
                assertEquals(address, again.bootstrapServers());
                producer.send(new ProducerRecord<>(TOPIC, "k", "after")).get(60, TimeUnit.SECONDS);
                assertEquals(List.of("before", "after"), consume(again, 2));
            }
        }
    }

    private static Admin admin(EmbeddedKafka kafka) {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()));
    }

    /** DESIGN §6: producing to a topic whose partitions have no leader yet can stall for minutes. */
    private static void awaitLeaders(Admin admin, String topic) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            TopicDescription d = admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic);
            if (d.partitions().stream().allMatch(p -> p.leader() != null && !p.leader().isEmpty())) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("partitions of " + topic + " got no leader");
    }

    private static KafkaProducer<String, String> producer(EmbeddedKafka kafka) {
        return new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.ACKS_CONFIG, "all"),
                new StringSerializer(), new StringSerializer());
    }

    /** Reads with a brand-new consumer group from the earliest offset. */
    private static List<String> consume(EmbeddedKafka kafka, int expected) {
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "g-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(TOPIC));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (values.size() < expected && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    values.add(r.value());
                }
            }
        }
        return values;
    }
}
