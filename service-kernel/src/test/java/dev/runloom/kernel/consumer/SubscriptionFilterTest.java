package dev.runloom.kernel.consumer;

import dev.runloom.common.jdbc.Sql;
import dev.runloom.kernel.TestEvents;
import dev.runloom.kernel.TestEvents.Thing;
import dev.runloom.kernel.events.CloudEventCodec;
import dev.runloom.kernel.events.OutgoingEvent;
import dev.runloom.kernel.events.TopicNames;
import dev.runloom.kernel.kafka.KafkaSettings;
import dev.runloom.kernel.outbox.Outbox;
import dev.runloom.kernel.outbox.OutboxRelay;
import dev.runloom.testsupport.KafkaTestTopics;
import dev.runloom.testsupport.Poll;
import dev.runloom.testsupport.ServiceTest;
import io.micronaut.context.annotation.Property;
import io.micronaut.context.annotation.Requires;
import io.micronaut.transaction.TransactionOperations;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Subscriptions narrowed to events carrying a CloudEvents extension ({@code onlyWithExtension}),
 * against real Kafka and PostgreSQL: events are appended to the outbox and published by the relay,
 * and the subscriber below (running in this context's consumer threads) handles only those that
 * carry {@code runloomschedulerun}.
 */
@ServiceTest("kernel")
@Property(name = "filter-test.subscriber", value = "true")
class SubscriptionFilterTest {
    static final String CONSUMER = "kernel-service.scheduled-things";

    @Inject Outbox outbox;
    @Inject OutboxRelay relay;
    @Inject Inbox inbox;
    @Inject TopicNames topics;
    @Inject Sql sql;
    @Inject TransactionOperations<Connection> transactions;
    @Inject KafkaTestTopics kafka;
    @Inject KafkaSettings kafkaSettings;
    @Inject ScheduledThings subscriber;

    /** Handles {@code thing.changed} events of schedule runs only; remembers what it was given. */
    @Singleton
    @Requires(property = "filter-test.subscriber", value = "true")
    static class ScheduledThings implements EventSubscriber {
        final List<Received<Thing>> handled = new CopyOnWriteArrayList<>();
        private final Subscription subscription = Subscription.consumer(CONSUMER)
                .onlyWithExtension(CloudEventCodec.SCHEDULE_RUN_EXTENSION)
                .on(TestEvents.THING_CHANGED, handled::addAll)
                .build();

        @Override
        public Subscription subscription() {
            return subscription; // the one the consumer threads run, so its counts are the ones they keep
        }

        List<Received<Thing>> handledFor(String key) {
            return handled.stream().filter(r -> key.equals(r.key())).toList();
        }
    }

    @Test
    void onlyEventsWithTheExtensionAreHandledTheOthersAreSkippedAndTheirOffsetsCommitted() {
        String key = "k-filter-" + UUID.randomUUID(); // one key: one partition, in order
        String run = "run_" + UUID.randomUUID();
        append(thing(key, 1), thing(key, 2).withExtension(CloudEventCodec.SCHEDULE_RUN_EXTENSION, run));
        String skipped = eventId(key, 1); // read before the relay deletes the row
        relayAll();

        // the scheduled one arrives, with its extension, through outbox, relay, Kafka and the inbox
        List<Received<Thing>> handled = Poll.until(() -> subscriber.handledFor(key), list -> !list.isEmpty());
        assertThat(handled).hasSize(1);
        Received<Thing> received = handled.get(0);
        assertThat(received.payload()).isEqualTo(new Thing(key, 2));
        assertThat(received.extension(CloudEventCodec.SCHEDULE_RUN_EXTENSION)).isEqualTo(run);
        assertThat(received.extensions()).containsEntry(CloudEventCodec.ORGANIZATION_EXTENSION, "org_test");
        assertThat(received.organizationId()).isEqualTo("org_test");
        assertThat(inboxOutcome(received.id())).contains("processed");
        // the other was neither handled nor claimed, only counted
        assertThat(inboxOutcome(skipped)).isEmpty();
        long filteredBefore = filtered();
        assertThat(filteredBefore).isPositive();

        // a poll holding only a skipped event still moves the group's offset past it
        append(thing(key, 3));
        String last = eventId(key, 3);
        relayAll();
        ConsumerRecord<String, byte[]> record = kafka.awaitFirst(topics.of(TestEvents.THINGS),
                r -> last.equals(header(r, "ce_id")), Duration.ofSeconds(20));
        TopicPartition partition = new TopicPartition(record.topic(), record.partition());
        try (Admin admin = Admin.create(kafkaSettings.clientConfig())) {
            Poll.until(() -> committed(admin, partition), offset -> offset > record.offset());
        }
        assertThat(filtered()).isEqualTo(filteredBefore + 1);
        assertThat(inboxOutcome(last)).isEmpty();
        assertThat(subscriber.handledFor(key)).hasSize(1);
        assertThat(subscriber.subscription().unhandledCounts()).doesNotContainKey(TestEvents.THING_CHANGED.type());
    }

    @Test
    void aSkippedEventIsNotEvenDecoded() {
        Subscription subscription = subscriber.subscription();
        long before = filtered();
        // an unreadable payload: decoding it would dead-letter it (an inbox row 'dead-lettered')
        String skipped = "evt_" + UUID.randomUUID();
        String read = "evt_" + UUID.randomUUID();
        inbox.process(subscription, List.of(
                unreadable(skipped, Map.of()),
                unreadable(read, Map.of(CloudEventCodec.SCHEDULE_RUN_EXTENSION, "run_x"))));
        assertThat(inboxOutcome(skipped)).as("skipped without reading its payload").isEmpty();
        assertThat(inboxOutcome(read)).as("carries the extension, so it was read (and refused)").contains("dead-lettered");
        assertThat(filtered()).isEqualTo(before + 1);
    }

    @Test
    void typesTheSubscriptionDoesNotHandleAreCountedAsUnhandledNotFiltered() {
        Subscription subscription = Subscription.consumer("kernel-service.filter-counts")
                .onlyWithExtension(CloudEventCodec.SCHEDULE_RUN_EXTENSION)
                .on(TestEvents.THING_CHANGED, events -> { })
                .build();
        String archived = "evt_" + UUID.randomUUID();
        inbox.process(subscription, List.of(delivered(archived, TestEvents.THING_ARCHIVED.type(), "{\"id\":\"a\",\"n\":1}", Map.of())));
        assertThat(subscription.unhandledCounts()).isEqualTo(Map.of(TestEvents.THING_ARCHIVED.type(), 1L));
        assertThat(subscription.filteredCounts()).isEmpty();
        assertThat(inboxOutcome(archived)).isEmpty();
        assertThat(subscription.requiredExtensions()).containsExactly(CloudEventCodec.SCHEDULE_RUN_EXTENSION);
    }

    @Test
    void invalidExtensionNamesAreRefused() {
        for (String name : new String[]{"", "Runloom", "schedule-run", "a".repeat(21)}) {
            assertThatThrownBy(() -> Subscription.consumer("kernel-service.bad").onlyWithExtension(name)).as(name)
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    private static OutgoingEvent thing(String key, int n) {
        return OutgoingEvent.of(TestEvents.THING_CHANGED, key, key, "org_test", new Thing(key, n));
    }

    private void append(OutgoingEvent... events) {
        transactions.executeWrite(status -> {
            outbox.appendAll(List.of(events));
            return null;
        });
    }

    private void relayAll() {
        while (relay.relayOnce() > 0) {
            // until the outbox is empty
        }
    }

    private long filtered() {
        return subscriber.subscription().filteredCounts().getOrDefault(TestEvents.THING_CHANGED.type(), 0L);
    }

    private String eventId(String key, int n) {
        return transactions.executeRead(status -> sql.first(
                "SELECT id FROM runloom_outbox WHERE aggregateid = ? AND (payload::jsonb ->> 'n')::int = ?",
                row -> row.string("id"), key, n)).orElseThrow();
    }

    private Optional<String> inboxOutcome(String eventId) {
        return transactions.executeRead(status -> sql.first(
                "SELECT outcome FROM runloom_inbox WHERE consumer = ? AND event_id = ?", row -> row.string("outcome"),
                CONSUMER, eventId));
    }

    /** The consumer group's committed offset of the partition; -1 when none. */
    private long committed(Admin admin, TopicPartition partition) {
        Map<TopicPartition, OffsetAndMetadata> offsets;
        try {
            offsets = admin.listConsumerGroupOffsets(topics.group(CONSUMER)).partitionsToOffsetAndMetadata()
                    .get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("could not read the group's offsets", e);
        }
        OffsetAndMetadata offset = offsets.get(partition);
        return offset == null ? -1 : offset.offset();
    }

    private static String header(ConsumerRecord<String, byte[]> record, String name) {
        var header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private ConsumerRecord<String, byte[]> unreadable(String id, Map<String, String> extensions) {
        return delivered(id, TestEvents.THING_CHANGED.type(), "{\"id\": [1, 2], \"n\": \"many\"}", extensions);
    }

    private ConsumerRecord<String, byte[]> delivered(String id, String type, String json, Map<String, String> extensions) {
        var produced = CloudEventCodec.toRecord(topics.of(TestEvents.THINGS), "k-skip", CloudEventCodec.build(id,
                "urn:test", type, "k-skip", "org_test", null, extensions, OffsetDateTime.now(),
                json.getBytes(StandardCharsets.UTF_8)));
        return new ConsumerRecord<>(produced.topic(), 0, 0L, 0L, TimestampType.CREATE_TIME, 0, 0, produced.key(),
                produced.value(), produced.headers(), Optional.empty());
    }
}
