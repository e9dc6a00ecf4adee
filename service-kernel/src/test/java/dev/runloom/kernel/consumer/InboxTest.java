package dev.runloom.kernel.consumer;

import dev.runloom.common.jdbc.Sql;
import dev.runloom.kernel.TestEvents;
import dev.runloom.kernel.TestEvents.Thing;
import dev.runloom.kernel.consumer.Subscription.Prepared;
import dev.runloom.kernel.events.CloudEventCodec;
import dev.runloom.kernel.events.TopicNames;
import dev.runloom.kernel.kafka.EventProducer;
import dev.runloom.kernel.kafka.KafkaSettings;
import dev.runloom.events.EventType;
import dev.runloom.testsupport.KafkaTestTopics;
import dev.runloom.testsupport.Poll;
import dev.runloom.testsupport.ServiceTest;
import io.micronaut.context.annotation.Property;
import io.micronaut.context.annotation.Requires;
import io.micronaut.json.JsonMapper;
import io.micronaut.transaction.TransactionOperations;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The inbox and typed subscriptions against real Kafka and PostgreSQL: a subscriber (below) applies
 * {@code thing.changed} events to a table and refuses things numbered 666 ("poison").
 */
@ServiceTest("kernel")
@Property(name = "inbox-test.subscriber", value = "true")
class InboxTest {
    static final int POISON = 666;

    @Inject Inbox inbox;
    @Inject EventProducer producer;
    @Inject TopicNames topics;
    @Inject Sql sql;
    @Inject JsonMapper json;
    @Inject TransactionOperations<Connection> transactions;
    @Inject KafkaTestTopics kafka;
    @Inject ThingSubscriber subscriber;
    @Inject DeadLetters deadLetters;
    @Inject TransientFailures transientFailures;
    @Inject KafkaSettings kafkaSettings;

    @BeforeAll
    void createTable() {
        transactions.executeWrite(status -> sql.update(
                "CREATE TABLE IF NOT EXISTS applied (event_id TEXT NOT NULL, thing_id TEXT NOT NULL, note TEXT NOT NULL)"));
    }

    /** The consumer under test: records each thing in {@code applied}; a dead-lettered one as "dead: reason". */
    @Singleton
    @Requires(property = "inbox-test.subscriber", value = "true")
    static class ThingSubscriber implements EventSubscriber {
        private final Sql sql;

        ThingSubscriber(Sql sql) {
            this.sql = sql;
        }

        @Override
        public Subscription subscription() {
            return Subscription.consumer("kernel-service.things")
                    .on(TestEvents.THING_CHANGED, this::apply)
                    .onDeadLetter(TestEvents.THING_CHANGED, (event, reason) -> insert(event.id(), event.payload().id(), "dead: " + reason))
                    .build();
        }

        void apply(List<Received<Thing>> events) {
            for (Received<Thing> event : events) {
                if (event.payload().n() == POISON) {
                    throw new IllegalArgumentException("cannot apply a poison thing");
                }
                insert(event.id(), event.payload().id(), "applied " + event.payload().n());
            }
        }

        void insert(String eventId, String thingId, String note) {
            sql.update("INSERT INTO applied (event_id, thing_id, note) VALUES (?, ?, ?)", eventId, thingId, note);
        }
    }

    private ProducerRecord<String, byte[]> cloudEvent(String id, EventType<Thing> type, Thing thing) {
        byte[] data;
        try {
            data = json.writeValueAsBytes(thing);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
        return CloudEventCodec.toRecord(topics.of(TestEvents.THINGS), thing.id(), CloudEventCodec.build(id, "urn:test",
                type.type(), thing.id(), "org_test", null, OffsetDateTime.now(), data));
    }

    private static ConsumerRecord<String, byte[]> delivered(ProducerRecord<String, byte[]> produced) {
        return new ConsumerRecord<>(produced.topic(), 0, 0L, 0L, TimestampType.CREATE_TIME, 0, 0, produced.key(),
                produced.value(), produced.headers(), Optional.empty());
    }

    private void send(ProducerRecord<String, byte[]> record) throws Exception {
        producer.send(record).get(10, TimeUnit.SECONDS);
    }

    private List<String> notes(String eventId) {
        return transactions.executeRead(status -> sql.list("SELECT note FROM applied WHERE event_id = ?",
                row -> row.string("note"), eventId));
    }

    private void awaitApplied(String eventId) {
        Poll.until(() -> notes(eventId), notes -> !notes.isEmpty());
    }

    @Test
    void redeliveredEventChangesNothing() throws Exception {
        String id = "evt_" + UUID.randomUUID();
        Thing thing = new Thing("k-redeliver", 1);
        send(cloudEvent(id, TestEvents.THING_CHANGED, thing));
        send(cloudEvent(id, TestEvents.THING_CHANGED, thing));
        String marker = "evt_" + UUID.randomUUID();
        send(cloudEvent(marker, TestEvents.THING_CHANGED, new Thing("k-redeliver", 2)));
        awaitApplied(marker);
        assertThat(notes(id)).containsExactly("applied 1");

        // and directly: a poll holding the same event twice, processed twice, applies it once
        String direct = "evt_" + UUID.randomUUID();
        ConsumerRecord<String, byte[]> record = delivered(cloudEvent(direct, TestEvents.THING_CHANGED, new Thing("k", 3)));
        Subscription subscription = subscriber.subscription();
        inbox.process(subscription, List.of(record, record));
        inbox.process(subscription, List.of(record));
        assertThat(notes(direct)).containsExactly("applied 3");
    }

    @Test
    void eventsOfTypesNobodyHandlesAreCountedAndSkipped() {
        Subscription subscription = subscriber.subscription();
        String archived = "evt_" + UUID.randomUUID();
        String changed = "evt_" + UUID.randomUUID();
        inbox.process(subscription, List.of(
                delivered(cloudEvent(archived, TestEvents.THING_ARCHIVED, new Thing("k-arch", 1))),
                delivered(cloudEvent(changed, TestEvents.THING_CHANGED, new Thing("k-arch", 2))),
                delivered(cloudEvent("evt_" + UUID.randomUUID(), TestEvents.THING_ARCHIVED, new Thing("k-arch", 3)))));
        assertThat(notes(archived)).isEmpty();
        assertThat(notes(changed)).containsExactly("applied 2");
        assertThat(subscription.unhandledCounts()).containsEntry(TestEvents.THING_ARCHIVED.type(), 2L);
        // nothing to make idempotent: an event nobody handles is not claimed in the inbox
        assertThat(inboxOutcome(archived)).isEmpty();
        assertThat(inboxOutcome(changed)).contains("processed");
    }

    @Test
    void aPollWithNothingToHandleOpensNoTransactionAndStillCommitsItsOffsets() {
        // the real transaction manager behind a proxy that counts the transactions opened through it
        AtomicInteger opened = new AtomicInteger();
        @SuppressWarnings("unchecked")
        TransactionOperations<Connection> counted = (TransactionOperations<Connection>) Proxy.newProxyInstance(
                getClass().getClassLoader(), new Class<?>[]{TransactionOperations.class}, (proxy, method, args) -> {
                    if (method.getName().startsWith("execute")) {
                        opened.incrementAndGet();
                    }
                    try {
                        return method.invoke(transactions, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        Inbox countingInbox = new Inbox(counted, sql, json, deadLetters, transientFailures);
        Subscription subscription = subscriber.subscription();
        String archived = "evt_" + UUID.randomUUID();
        ProducerRecord<String, byte[]> produced = cloudEvent(archived, TestEvents.THING_ARCHIVED, new Thing("k-none", 1));
        ConsumerRecord<String, byte[]> unhandled = new ConsumerRecord<>(produced.topic(), 3, 41L, 0L,
                TimestampType.CREATE_TIME, 0, 0, produced.key(), produced.value(), produced.headers(), Optional.empty());
        // a real consumer on this class's broker takes the commit (a group of its own, assigned nothing)
        Properties config = kafkaSettings.clientConfig();
        config.put(ConsumerConfig.GROUP_ID_CONFIG, topics.group("kernel-service.no-tx-" + UUID.randomUUID()));
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        TopicPartition partition = new TopicPartition(produced.topic(), 3);
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(config, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            countingInbox.consume(subscription, List.of(unhandled), consumer);
            assertThat(consumer.committed(Set.of(partition)).get(partition)).isNotNull()
                    .extracting(OffsetAndMetadata::offset).isEqualTo(42L);
        }
        assertThat(opened.get()).as("transactions opened for a poll with nothing to handle").isZero();
        assertThat(inboxOutcome(archived)).isEmpty();

        // the proxy does count: a handled event opens the inbox transaction
        String changed = "evt_" + UUID.randomUUID();
        countingInbox.process(subscription, List.of(delivered(cloudEvent(changed, TestEvents.THING_CHANGED, new Thing("k-none", 2)))));
        assertThat(opened.get()).isEqualTo(1);
        assertThat(notes(changed)).containsExactly("applied 2");
    }

    private Optional<String> inboxOutcome(String eventId) {
        return transactions.executeRead(status -> sql.first(
                "SELECT outcome FROM runloom_inbox WHERE event_id = ?", row -> row.string("outcome"), eventId));
    }

    @Test
    void preparedWorkRunsOutsideTheTransactionAndIsAppliedOnce() {
        String first = "evt_" + UUID.randomUUID();
        String refused = "evt_" + UUID.randomUUID();
        List<String> preparedIds = Collections.synchronizedList(new ArrayList<>());
        List<String> deadLettered = Collections.synchronizedList(new ArrayList<>());
        Subscription subscription = Subscription.consumer("kernel-service.prepared")
                .prepareThenApply(TestEvents.THING_CHANGED, (Received<Thing> event) -> {
                    assertThat(transactions.findTransactionStatus()).as("no transaction while preparing").isEmpty();
                    if (event.payload().n() == POISON) {
                        throw new IllegalArgumentException("cannot prepare a poison thing");
                    }
                    preparedIds.add(event.id());
                    return "prepared " + event.payload().n();
                }, (List<Prepared<Thing, String>> prepared) -> {
                    assertThat(transactions.findTransactionStatus()).as("applied in the inbox transaction").isPresent();
                    prepared.forEach(p -> subscriber.insert(p.event().id(), p.event().payload().id(), p.result()));
                })
                .onDeadLetter(TestEvents.THING_CHANGED, (event, reason) -> deadLettered.add(event.id() + ": " + reason))
                .build();
        List<ConsumerRecord<String, byte[]>> poll = List.of(
                delivered(cloudEvent(first, TestEvents.THING_CHANGED, new Thing("k-prep", 1))),
                delivered(cloudEvent(first, TestEvents.THING_CHANGED, new Thing("k-prep", 1))),
                delivered(cloudEvent(refused, TestEvents.THING_CHANGED, new Thing("k-prep", POISON))));
        inbox.process(subscription, poll);
        assertThat(notes(first)).containsExactly("prepared 1");
        assertThat(notes(refused)).isEmpty();
        assertThat(preparedIds).containsExactly(first);
        assertThat(deadLettered).containsExactly(refused + ": cannot prepare a poison thing");

        // redelivered: already in the inbox, so neither prepared, applied nor dead-lettered again
        inbox.process(subscription, poll);
        assertThat(notes(first)).containsExactly("prepared 1");
        assertThat(preparedIds).containsExactly(first);
        assertThat(deadLettered).hasSize(1);
    }

    @Test
    void asynchronousPreparationIsAwaitedBeforeTheTransactionOpens() throws Exception {
        String slow = "evt_" + UUID.randomUUID();
        String fast = "evt_" + UUID.randomUUID();
        String refused = "evt_" + UUID.randomUUID();
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(3);
        List<String> deadLettered = Collections.synchronizedList(new ArrayList<>());
        java.util.concurrent.atomic.AtomicInteger running = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicInteger mostAtOnce = new java.util.concurrent.atomic.AtomicInteger();
        try {
            Subscription subscription = Subscription.consumer("kernel-service.async")
                    .prepareAsyncThenApply(TestEvents.THING_CHANGED, (Received<Thing> event) ->
                            java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                                mostAtOnce.accumulateAndGet(running.incrementAndGet(), Math::max);
                                try {
                                    Thread.sleep(event.payload().n() == 1 ? 300 : 100);
                                } catch (InterruptedException e) {
                                    Thread.currentThread().interrupt();
                                }
                                running.decrementAndGet();
                                if (event.payload().n() == POISON) {
                                    throw new IllegalArgumentException("cannot prepare a poison thing");
                                }
                                return "prepared " + event.payload().n();
                            }, pool), (List<Prepared<Thing, String>> prepared) -> {
                        assertThat(running.get()).as("nothing still being prepared inside the transaction").isZero();
                        prepared.forEach(p -> subscriber.insert(p.event().id(), p.event().payload().id(), p.result()));
                    })
                    .onDeadLetter(TestEvents.THING_CHANGED, (event, reason) -> deadLettered.add(event.id() + ": " + reason))
                    .build();
            inbox.process(subscription, List.of(
                    delivered(cloudEvent(slow, TestEvents.THING_CHANGED, new Thing("k-async", 1))),
                    delivered(cloudEvent(fast, TestEvents.THING_CHANGED, new Thing("k-async", 2))),
                    delivered(cloudEvent(refused, TestEvents.THING_CHANGED, new Thing("k-async", POISON)))));
        } finally {
            pool.shutdownNow();
        }
        assertThat(notes(slow)).containsExactly("prepared 1");
        assertThat(notes(fast)).containsExactly("prepared 2");
        assertThat(notes(refused)).isEmpty();
        assertThat(deadLettered).containsExactly(refused + ": cannot prepare a poison thing");
        assertThat(mostAtOnce.get()).as("the poll's events were prepared at the same time").isGreaterThan(1);
    }

    @Test
    void poisonMessagesGoToTheDeadLetterTopicTheirHandlerRecordsThemAndThePartitionKeepsFlowing() throws Exception {
        String key = "k-poison"; // one key: everything lands on one partition, in order
        String before = "evt_" + UUID.randomUUID();
        String poison = "evt_" + UUID.randomUUID();
        String after = "evt_" + UUID.randomUUID();
        send(cloudEvent(before, TestEvents.THING_CHANGED, new Thing(key, 1)));
        send(cloudEvent(poison, TestEvents.THING_CHANGED, new Thing(key, POISON)));
        send(new ProducerRecord<>(topics.of(TestEvents.THINGS), key, "not a cloud event".getBytes(StandardCharsets.UTF_8)));
        send(cloudEvent(after, TestEvents.THING_CHANGED, new Thing(key, 2)));

        awaitApplied(before);
        awaitApplied(after);
        awaitApplied(poison);
        assertThat(notes(poison)).containsExactly("dead: cannot apply a poison thing");

        List<ConsumerRecord<String, byte[]>> dead = kafka.read(topics.deadLetterOf(TestEvents.THINGS),
                r -> key.equals(r.key()), 2, Duration.ofSeconds(20));
        List<String> reasons = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> record : dead) {
            reasons.add(new String(record.headers().lastHeader(DeadLetters.ERROR_HEADER).value(), StandardCharsets.UTF_8));
            assertThat(record.headers().lastHeader(DeadLetters.ORIGIN_HEADER)).isNotNull();
        }
        assertThat(dead).hasSize(2);
        assertThat(reasons).anyMatch(r -> r.contains("cannot apply a poison thing"));
        assertThat(dead.stream().map(r -> new String(r.value(), StandardCharsets.UTF_8))).contains("not a cloud event");
    }

    @Test
    void unreadablePayloadsAreDeadLettered() {
        String id = "evt_" + UUID.randomUUID();
        ProducerRecord<String, byte[]> garbage = CloudEventCodec.toRecord(topics.of(TestEvents.THINGS), "k-garbage",
                CloudEventCodec.build(id, "urn:test", TestEvents.THING_CHANGED.type(), "k-garbage", "org_test", null,
                        OffsetDateTime.now(), "{\"id\": [1, 2], \"n\": \"many\"}".getBytes(StandardCharsets.UTF_8)));
        inbox.process(subscriber.subscription(), List.of(delivered(garbage)));
        assertThat(notes(id)).isEmpty();
        Optional<String> outcome = transactions.executeRead(status -> sql.first(
                "SELECT outcome FROM runloom_inbox WHERE event_id = ?", row -> row.string("outcome"), id));
        assertThat(outcome).contains("dead-lettered");
    }
}
