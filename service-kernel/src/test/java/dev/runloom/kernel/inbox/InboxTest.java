package dev.runloom.kernel.inbox;

import dev.runloom.kernel.events.CloudEventCodec;
import dev.runloom.kernel.events.Topics;
import dev.runloom.kernel.kafka.EventProducer;
import dev.runloom.testsupport.KafkaTestTopics;
import dev.runloom.testsupport.MicronautTestInfra;
import io.micronaut.configuration.kafka.annotation.KafkaListener;
import io.micronaut.configuration.kafka.annotation.OffsetReset;
import io.micronaut.configuration.kafka.annotation.OffsetStrategy;
import io.micronaut.configuration.kafka.annotation.Topic;
import io.micronaut.context.annotation.Property;
import io.micronaut.context.annotation.Requires;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import io.micronaut.transaction.TransactionOperations;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The inbox against real Kafka and PostgreSQL: a micronaut-kafka batch listener (below) applies
 * events to a table through {@link Inbox}; its handler fails on purpose for "poison" events.
 */
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Property(name = "inbox-test.listener", value = "true")
class InboxTest implements TestPropertyProvider {
    static final String TOPIC = "runloom.test.things.v1";

    @Inject Inbox inbox;
    @Inject EventProducer producer;
    @Inject Topics topics;
    @Inject TransactionOperations<Connection> transactions;
    @Inject KafkaTestTopics kafka;

    @Override
    public Map<String, String> getProperties() {
        return MicronautTestInfra.serviceProperties("common");
    }

    @BeforeAll
    void createTable() {
        transactions.executeWrite(status -> status.getConnection().createStatement()
                .execute("CREATE TABLE IF NOT EXISTS applied (event_id TEXT NOT NULL, body TEXT NOT NULL)"));
    }

    /** The consumer under test: records each event's id in {@code applied}, refuses "poison". */
    @Requires(property = "inbox-test.listener", value = "true")
    @KafkaListener(groupId = "${runloom.kafka.topic-prefix:}common-test.things", batch = true,
            offsetReset = OffsetReset.EARLIEST, offsetStrategy = OffsetStrategy.DISABLED)
    static class ThingListener {
        private final Inbox inbox;

        ThingListener(Inbox inbox) {
            this.inbox = inbox;
        }

        @Topic("${runloom.kafka.topic-prefix:}" + TOPIC)
        void receive(List<ConsumerRecord<String, byte[]>> records, Consumer<?, ?> kafkaConsumer) {
            inbox.consume("common-test.things", records, kafkaConsumer, InboxTest::apply);
        }
    }

    static void apply(List<IncomingEvent> events) {
        // Runs inside the inbox transaction; the connection is the transaction's (see below).
        Connection connection = CURRENT.connection();
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO applied (event_id, body) VALUES (?, ?)")) {
            for (IncomingEvent event : events) {
                String body = new String(event.data(), StandardCharsets.UTF_8);
                if (body.contains("poison")) {
                    throw new IllegalArgumentException("cannot apply a poison event");
                }
                insert.setString(1, event.id());
                insert.setString(2, body);
                insert.addBatch();
            }
            insert.executeBatch();
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    static final TransactionHolder CURRENT = new TransactionHolder();

    /** Gives the static handler the connection of the transaction it runs in. */
    static final class TransactionHolder {
        private static volatile TransactionOperations<Connection> transactions;

        Connection connection() {
            return (Connection) transactions.findTransactionStatus().orElseThrow().getConnection();
        }
    }

    @BeforeAll
    void exposeTransactions() {
        TransactionHolder.transactions = transactions;
    }

    private ProducerRecord<String, byte[]> cloudEvent(String id, String key, String body) {
        return CloudEventCodec.toRecord(topics.name(TOPIC), key, CloudEventCodec.build(id, "urn:test", "runloom.test.thing.changed.v1",
                key, "org_test", null, OffsetDateTime.now(), body.getBytes(StandardCharsets.UTF_8)));
    }

    private void send(ProducerRecord<String, byte[]> record) throws Exception {
        producer.send(record).get(10, TimeUnit.SECONDS);
    }

    private long applied(String eventId) {
        return transactions.executeRead(status -> {
            try (PreparedStatement q = status.getConnection().prepareStatement("SELECT count(*) FROM applied WHERE event_id = ?")) {
                q.setString(1, eventId);
                try (ResultSet rs = q.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        });
    }

    private void awaitApplied(String eventId) throws InterruptedException {
        Instant deadline = Instant.now().plusSeconds(30);
        while (applied(eventId) == 0 && Instant.now().isBefore(deadline)) {
            Thread.sleep(100);
        }
        assertThat(applied(eventId)).as("event " + eventId + " applied").isEqualTo(1);
    }

    @Test
    void redeliveredEventChangesNothing() throws Exception {
        String id = "evt_" + UUID.randomUUID();
        send(cloudEvent(id, "k-redeliver", "{\"v\":1}"));
        send(cloudEvent(id, "k-redeliver", "{\"v\":1}"));
        String marker = "evt_" + UUID.randomUUID();
        send(cloudEvent(marker, "k-redeliver", "{\"v\":2}"));
        awaitApplied(marker);
        assertThat(applied(id)).isEqualTo(1);

        // and directly: a batch holding the same event twice, processed twice, applies it once
        ProducerRecord<String, byte[]> produced = cloudEvent("evt_direct", "k", "{}");
        ConsumerRecord<String, byte[]> withHeaders = new ConsumerRecord<>(topics.name(TOPIC), 0, 0L, 0L,
                org.apache.kafka.common.record.TimestampType.CREATE_TIME, 0, 0, "k", produced.value(), produced.headers(), java.util.Optional.empty());
        inbox.process("common-test.direct", List.of(withHeaders, withHeaders), InboxTest::apply);
        inbox.process("common-test.direct", List.of(withHeaders), InboxTest::apply);
        assertThat(applied("evt_direct")).isEqualTo(1);
    }

    private ConsumerRecord<String, byte[]> received(String id, String body) {
        ProducerRecord<String, byte[]> produced = cloudEvent(id, "k-prepared", body);
        return new ConsumerRecord<>(topics.name(TOPIC), 0, 0L, 0L, org.apache.kafka.common.record.TimestampType.CREATE_TIME,
                0, 0, "k-prepared", produced.value(), produced.headers(), java.util.Optional.empty());
    }

    @Test
    void preparedWorkRunsOutsideTheTransactionAndIsAppliedOnce() {
        String first = "evt_" + UUID.randomUUID();
        String refused = "evt_" + UUID.randomUUID();
        java.util.List<String> preparedIds = java.util.Collections.synchronizedList(new ArrayList<>());
        PreparingHandler<String> handler = new PreparingHandler<>() {
            @Override
            public String prepare(IncomingEvent event) {
                assertThat(transactions.findTransactionStatus()).as("no transaction while preparing").isEmpty();
                String body = new String(event.data(), StandardCharsets.UTF_8);
                if (body.contains("poison")) {
                    throw new IllegalArgumentException("cannot prepare a poison event");
                }
                preparedIds.add(event.id());
                return body.toUpperCase();
            }

            @Override
            public void apply(List<Prepared<String>> prepared) {
                assertThat(prepared).allMatch(p -> p.result().contains("\"V\""));
                InboxTest.apply(prepared.stream().map(Prepared::event).toList());
            }
        };
        inbox.process("common-test.prepared", List.of(received(first, "{\"v\":1}"), received(first, "{\"v\":1}"),
                received(refused, "{\"v\":\"poison\"}")), handler);
        assertThat(applied(first)).isEqualTo(1);
        assertThat(applied(refused)).isZero();
        assertThat(preparedIds).containsExactly(first);

        // redelivered: already in the inbox, so neither prepared nor applied again
        inbox.process("common-test.prepared", List.of(received(first, "{\"v\":1}"), received(refused, "{\"v\":\"poison\"}")), handler);
        assertThat(applied(first)).isEqualTo(1);
        assertThat(preparedIds).containsExactly(first);
    }

    @Test
    void poisonMessagesGoToTheDeadLetterTopicAndThePartitionKeepsFlowing() throws Exception {
        String key = "k-poison"; // one key: everything lands on one partition, in order
        String before = "evt_" + UUID.randomUUID();
        String poison = "evt_" + UUID.randomUUID();
        String after = "evt_" + UUID.randomUUID();
        send(cloudEvent(before, key, "{\"v\":\"fine\"}"));
        send(cloudEvent(poison, key, "{\"v\":\"poison\"}"));
        send(new ProducerRecord<>(topics.name(TOPIC), key, "not a cloud event".getBytes(StandardCharsets.UTF_8)));
        send(cloudEvent(after, key, "{\"v\":\"fine too\"}"));

        awaitApplied(before);
        awaitApplied(after);
        assertThat(applied(poison)).isZero();

        List<ConsumerRecord<String, byte[]>> dead = kafka.read(Topics.deadLetterTopic(topics.name(TOPIC)),
                r -> key.equals(r.key()), 2, Duration.ofSeconds(20));
        List<String> reasons = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> record : dead) {
            reasons.add(new String(record.headers().lastHeader(DeadLetters.ERROR_HEADER).value(), StandardCharsets.UTF_8));
            assertThat(record.headers().lastHeader(DeadLetters.ORIGIN_HEADER)).isNotNull();
        }
        assertThat(dead).hasSize(2);
        assertThat(reasons).anyMatch(r -> r.contains("cannot apply a poison event"));
        assertThat(dead.stream().map(r -> new String(r.value(), StandardCharsets.UTF_8))).contains("not a cloud event");
    }
}
