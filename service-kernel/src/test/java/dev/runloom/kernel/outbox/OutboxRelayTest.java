package dev.runloom.kernel.outbox;

import dev.runloom.kernel.events.CloudEventCodec;
import dev.runloom.kernel.events.OutgoingEvent;
import dev.runloom.common.jdbc.JsonColumns;
import dev.runloom.common.jdbc.Sql;
import dev.runloom.kernel.TestEvents;
import dev.runloom.kernel.TestEvents.Thing;
import dev.runloom.kernel.events.TopicNames;
import dev.runloom.kernel.events.TraceContext;
import dev.runloom.kernel.kafka.EventProducer;
import dev.runloom.testsupport.KafkaTestTopics;
import dev.runloom.testsupport.ServiceTest;
import io.cloudevents.CloudEvent;
import io.micronaut.transaction.TransactionOperations;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@ServiceTest("kernel")
class OutboxRelayTest {

    @Inject Outbox outbox;
    @Inject OutboxRelay relay;
    @Inject EventProducer producer;
    @Inject TopicNames topics;
    @Inject Sql sql;
    @Inject JsonColumns jsonColumns;
    @Inject TransactionOperations<Connection> transactions;
    @Inject KafkaTestTopics kafka;

    private void appendInTransaction(List<OutgoingEvent> events) {
        transactions.executeWrite(status -> {
            outbox.appendAll(events);
            return null;
        });
    }

    private static OutgoingEvent thing(String key, int n) {
        return OutgoingEvent.of(TestEvents.THING_CHANGED, key, key, "org_test", new Thing(key, n));
    }

    private int drain() {
        int total = 0;
        int sent;
        do {
            sent = relay.relayOnce();
            total += sent;
        } while (sent > 0);
        return total;
    }

    private long unsentRows() {
        return transactions.executeRead(status -> {
            try (ResultSet rs = status.getConnection().createStatement()
                    .executeQuery("SELECT count(*) FROM runloom_outbox")) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }

    @Test
    void eventsSelectedByTheDatabaseArePublishedLikeAnyOthers() {
        drain();
        String u = Long.toHexString(System.nanoTime());
        Map<String, Long> counts = transactions.executeWrite(status -> outbox.appendSelected(TestEvents.THINGS,
                "numbers AS (SELECT n FROM generate_series(1, ?) AS n)",
                """
                SELECT 'evt_sel_' || ? || '_' || n AS id, CASE WHEN n % 2 = 0 THEN ? ELSE ? END AS type,
                       'sel-' || ? || '-' || n AS key, 'sel-' || n AS subject, 'org_test' AS organization_id,
                       jsonb_build_object('id', 'sel-' || n, 'n', n) AS payload
                FROM numbers""",
                5, u, TestEvents.THING_ARCHIVED.type(), TestEvents.THING_CHANGED.type(), u));
        assertThat(counts).isEqualTo(Map.of(TestEvents.THING_CHANGED.type(), 3L, TestEvents.THING_ARCHIVED.type(), 2L));
        Optional<Long> withoutExtensions = transactions.executeRead(status -> sql.first("SELECT count(*) AS n "
                + "FROM runloom_outbox WHERE id LIKE ? AND extensions IS NULL", row -> row.longValue("n"), "evt_sel_" + u + "_%"));
        assertThat(withoutExtensions).as("events selected by the database carry no extension attributes").contains(5L);

        assertThat(drain()).isEqualTo(5);
        List<ConsumerRecord<String, byte[]>> records = kafka.read(topics.of(TestEvents.THINGS),
                r -> r.key().startsWith("sel-" + u + "-"), 5, Duration.ofSeconds(30));
        assertThat(records).hasSize(5);
        CloudEvent third = CloudEventCodec.fromRecord(records.stream().filter(r -> r.key().endsWith("-3")).findFirst().orElseThrow());
        assertThat(third.getId()).isEqualTo("evt_sel_" + u + "_3");
        assertThat(third.getType()).isEqualTo(TestEvents.THING_CHANGED.type());
        assertThat(third.getSubject()).isEqualTo("sel-3");
        assertThat(new String(third.getData().toBytes(), StandardCharsets.UTF_8)).isEqualTo("{\"n\": 3, \"id\": \"sel-3\"}");

        // the outbox refuses to work outside a transaction, as append does
        assertThatThrownBy(() -> outbox.appendSelected(TestEvents.THINGS, null, "SELECT 'x' AS id, 't' AS type, "
                + "'k' AS key, 's' AS subject, 'o' AS organization_id, '{}'::jsonb AS payload"))
                .isInstanceOf(RuntimeException.class);
    }

    @Test
    void publishesCommittedEventsAsCloudEventsInBinaryMode() {
        drain();
        appendInTransaction(List.of(thing("thing-1", 1), thing("thing-1", 2)));
        assertThat(drain()).isEqualTo(2);
        assertThat(unsentRows()).as("sent rows are deleted").isZero();

        List<ConsumerRecord<String, byte[]>> records = kafka.read(topics.of(TestEvents.THINGS), r -> "thing-1".equals(r.key()), 2,
                Duration.ofSeconds(20));
        assertThat(records).hasSize(2);
        CloudEvent first = CloudEventCodec.fromRecord(records.get(0));
        assertThat(first.getType()).isEqualTo("runloom.test.thing.changed.v1");
        assertThat(first.getSource().toString()).isEqualTo("urn:runloom:kernel-test");
        assertThat(first.getSubject()).isEqualTo("thing-1");
        assertThat(first.getExtension(CloudEventCodec.ORGANIZATION_EXTENSION)).isEqualTo("org_test");
        assertThat(records.get(0).headers().lastHeader("ce_id")).isNotNull();
        assertThat(new String(first.getData().toBytes(), StandardCharsets.UTF_8)).contains("\"n\":1").doesNotContain("\"n\":2");
    }

    @Test
    void extensionAttributesAreStoredWithTheEventAndPublishedAsCloudEventsExtensions() {
        drain();
        String u = Long.toHexString(System.nanoTime());
        appendInTransaction(List.of(
                thing("ext-" + u, 1).withExtension(CloudEventCodec.SCHEDULE_RUN_EXTENSION, "run_" + u)
                        .withExtension("runloomtest", "yes"),
                thing("plain-" + u, 2).withExtension(CloudEventCodec.SCHEDULE_RUN_EXTENSION, null)));
        // stored as the JSON text it was written as (the outbox's columns are text since V0_3)
        assertThat(storedExtensions("ext-" + u)).startsWith("{").endsWith("}")
                .contains("\"runloomtest\":\"yes\"", "\"runloomschedulerun\":\"run_" + u + "\"");
        assertThat(storedExtensions("plain-" + u)).as("no extensions: NULL, not an empty object").isNull();
        assertThat(drain()).isEqualTo(2);

        ConsumerRecord<String, byte[]> withExtensions = kafka.awaitFirst(topics.of(TestEvents.THINGS),
                r -> ("ext-" + u).equals(r.key()), Duration.ofSeconds(20));
        assertThat(new String(withExtensions.headers().lastHeader("ce_runloomschedulerun").value(), StandardCharsets.UTF_8))
                .isEqualTo("run_" + u);
        CloudEvent event = CloudEventCodec.fromRecord(withExtensions);
        assertThat(event.getExtension(CloudEventCodec.SCHEDULE_RUN_EXTENSION)).isEqualTo("run_" + u);
        assertThat(event.getExtension("runloomtest")).isEqualTo("yes");
        assertThat(event.getExtension(CloudEventCodec.ORGANIZATION_EXTENSION)).isEqualTo("org_test");

        CloudEvent plain = CloudEventCodec.fromRecord(kafka.awaitFirst(topics.of(TestEvents.THINGS),
                r -> ("plain-" + u).equals(r.key()), Duration.ofSeconds(20)));
        assertThat(plain.getExtensionNames()).containsExactly(CloudEventCodec.ORGANIZATION_EXTENSION);
    }

    private String storedExtensions(String key) {
        return transactions.executeRead(status -> sql.first("SELECT extensions::text AS e FROM runloom_outbox WHERE aggregateid = ?",
                row -> Optional.ofNullable(row.string("e")), key)).orElseThrow().orElse(null);
    }

    @Test
    void aRowMarkedSentByARelayFromBeforeV0_4IsNotSentAgain() {
        drain();
        String key = "marked-" + Long.toHexString(System.nanoTime());
        appendInTransaction(List.of(thing(key, 1)));
        transactions.executeWrite(status -> sql.update("UPDATE runloom_outbox SET sent_at = now() WHERE aggregateid = ?", key));
        appendInTransaction(List.of(thing(key, 2)));

        assertThat(drain()).as("only the unmarked row").isEqualTo(1);
        ConsumerRecord<String, byte[]> record = kafka.awaitFirst(topics.of(TestEvents.THINGS), r -> key.equals(r.key()),
                Duration.ofSeconds(20));
        assertThat(new String(record.value(), StandardCharsets.UTF_8)).contains("\"n\":2");
        // the marked row stays for the older relay's purge; the other tests count what is left
        transactions.executeWrite(status -> sql.update("DELETE FROM runloom_outbox WHERE aggregateid = ?", key));
    }

    @Test
    void rolledBackTransactionPublishesNothing() {
        drain();
        assertThatThrownBy(() -> transactions.executeWrite(status -> {
            outbox.append(thing("never", 1));
            throw new IllegalStateException("business rule failed");
        })).hasMessageContaining("business rule failed");
        assertThat(unsentRows()).isZero();
        assertThat(drain()).isZero();
    }

    @Test
    void appendingOutsideATransactionIsRefused() {
        // declared, not checked by hand: @Transactional(propagation = MANDATORY)
        assertThatThrownBy(() -> outbox.append(thing("loose", 1)))
                .isInstanceOf(io.micronaut.transaction.exceptions.IllegalTransactionStateException.class)
                .hasMessageContaining("mandatory");
        assertThat(unsentRows()).isZero();
    }

    @Test
    void theActiveTraceContextTravelsWithTheEvent() throws Exception {
        drain();
        String traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        TraceContext.whileHandling(traceparent, () -> appendInTransaction(List.of(thing("traced", 1))));
        appendInTransaction(List.of(thing("untraced", 1)));
        drain();
        CloudEvent traced = CloudEventCodec.fromRecord(kafka.awaitFirst(topics.of(TestEvents.THINGS),
                r -> "traced".equals(r.key()), Duration.ofSeconds(20)));
        CloudEvent untraced = CloudEventCodec.fromRecord(kafka.awaitFirst(topics.of(TestEvents.THINGS),
                r -> "untraced".equals(r.key()), Duration.ofSeconds(20)));
        assertThat(traced.getExtension(CloudEventCodec.TRACEPARENT_EXTENSION)).isEqualTo(traceparent);
        assertThat(untraced.getExtension(CloudEventCodec.TRACEPARENT_EXTENSION)).isNull();
    }

    @Test
    void relayThatDiesAfterSendingRepublishesInsteadOfLosing() {
        drain();
        appendInTransaction(List.of(thing("crash-key", 7)));
        relay.afterSendHook(() -> {
            throw new IllegalStateException("relay died between send and mark-sent");
        });
        try {
            assertThatThrownBy(relay::relayOnce).hasMessageContaining("relay died");
        } finally {
            relay.afterSendHook(() -> { });
        }
        assertThat(unsentRows()).isEqualTo(1);
        assertThat(drain()).isEqualTo(1);

        List<ConsumerRecord<String, byte[]>> copies = kafka.read(topics.of(TestEvents.THINGS), r -> "crash-key".equals(r.key()), 2,
                Duration.ofSeconds(20));
        // at least once: the same event (same id) twice, which the consumers' inbox absorbs
        assertThat(copies).hasSize(2);
        assertThat(CloudEventCodec.fromRecord(copies.get(0)).getId()).isEqualTo(CloudEventCodec.fromRecord(copies.get(1)).getId());
    }

    @Test
    void severalRelaysPublishEachEventOnceAndKeepPerKeyOrder() throws Exception {
        drain();
        List<OutgoingEvent> events = new ArrayList<>();
        for (int n = 0; n < 300; n++) {
            events.add(thing("order-key-" + (n % 5), n));
        }
        appendInTransaction(events);
        List<OutboxRelay> relays = List.of(relay,
                new OutboxRelay(transactions, sql, jsonColumns, new AcknowledgedPublisher(producer, "replica-2"), 20, 10, false),
                new OutboxRelay(transactions, sql, jsonColumns, new AcknowledgedPublisher(producer, "replica-3"), 20, 10, false));
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            List<Future<Integer>> sent = new ArrayList<>();
            for (OutboxRelay replica : relays) {
                sent.add(pool.submit(() -> {
                    int total = 0;
                    for (int round = 0; round < 100 && unsentRows() > 0; round++) {
                        total += replica.relayOnce();
                    }
                    return total;
                }));
            }
            int total = 0;
            for (Future<Integer> f : sent) {
                total += f.get();
            }
            assertThat(total).isEqualTo(300);
        } finally {
            pool.shutdownNow();
        }
        List<ConsumerRecord<String, byte[]>> received = kafka.read(topics.of(TestEvents.THINGS), r -> r.key().startsWith("order-key-"), 300,
                Duration.ofSeconds(30));
        assertThat(received).hasSize(300);
        Set<String> ids = received.stream().map(r -> CloudEventCodec.fromRecord(r).getId()).collect(Collectors.toSet());
        assertThat(ids).hasSize(300);
        Map<String, Integer> lastSeen = new HashMap<>();
        for (ConsumerRecord<String, byte[]> record : received.stream()
                .sorted((a, b) -> a.partition() != b.partition() ? Integer.compare(a.partition(), b.partition()) : Long.compare(a.offset(), b.offset()))
                .toList()) {
            String json = new String(CloudEventCodec.fromRecord(record).getData().toBytes(), StandardCharsets.UTF_8);
            int n = Integer.parseInt(json.replaceAll(".*\"n\":\\s*(\\d+).*", "$1"));
            Integer previous = lastSeen.put(record.key(), n);
            assertThat(previous == null || previous < n).as("order of " + record.key()).isTrue();
        }
    }
}
