package dev.runloom.kernel.outbox;

import dev.runloom.kernel.events.CloudEventCodec;
import dev.runloom.kernel.events.OutgoingEvent;
import dev.runloom.kernel.events.Topics;
import dev.runloom.kernel.kafka.EventProducer;
import dev.runloom.testsupport.KafkaTestTopics;
import dev.runloom.testsupport.MicronautTestInfra;
import io.cloudevents.CloudEvent;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import io.micronaut.transaction.TransactionOperations;
import io.micronaut.serde.annotation.Serdeable;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OutboxRelayTest implements TestPropertyProvider {
    static final String TOPIC = "runloom.test.things.v1";

    @Inject Outbox outbox;
    @Inject OutboxRelay relay;
    @Inject EventProducer producer;
    @Inject Topics topics;
    @Inject TransactionOperations<Connection> transactions;
    @Inject KafkaTestTopics kafka;

    @Serdeable
    record Thing(String id, int n) {
    }

    @Override
    public Map<String, String> getProperties() {
        return MicronautTestInfra.serviceProperties("common");
    }

    private void appendInTransaction(List<OutgoingEvent> events) {
        transactions.executeWrite(status -> {
            outbox.appendAll(events);
            return null;
        });
    }

    private static OutgoingEvent thing(String key, int n) {
        return new OutgoingEvent(TOPIC, key, "runloom.test.thing.changed.v1", key, "org_test", new Thing(key, n));
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
                    .executeQuery("SELECT count(*) FROM runloom_outbox WHERE sent_at IS NULL")) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }

    @Test
    void publishesCommittedEventsAsCloudEventsInBinaryMode() {
        drain();
        appendInTransaction(List.of(thing("thing-1", 1), thing("thing-1", 2)));
        assertThat(drain()).isEqualTo(2);
        assertThat(unsentRows()).isZero();

        List<ConsumerRecord<String, byte[]>> records = kafka.read(topics.name(TOPIC), r -> "thing-1".equals(r.key()), 2,
                Duration.ofSeconds(20));
        assertThat(records).hasSize(2);
        CloudEvent first = CloudEventCodec.fromRecord(records.get(0));
        assertThat(first.getType()).isEqualTo("runloom.test.thing.changed.v1");
        assertThat(first.getSource().toString()).isEqualTo("urn:runloom:common-test");
        assertThat(first.getSubject()).isEqualTo("thing-1");
        assertThat(first.getExtension(CloudEventCodec.ORGANIZATION_EXTENSION)).isEqualTo("org_test");
        assertThat(records.get(0).headers().lastHeader("ce_id")).isNotNull();
        assertThat(new String(first.getData().toBytes(), StandardCharsets.UTF_8)).contains("\"n\": 1").doesNotContain("\"n\": 2");
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
        assertThatThrownBy(() -> outbox.append(thing("loose", 1))).isInstanceOf(IllegalStateException.class);
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

        List<ConsumerRecord<String, byte[]>> copies = kafka.read(topics.name(TOPIC), r -> "crash-key".equals(r.key()), 2,
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
                new OutboxRelay(transactions, producer, "replica-2", 20, 10, false),
                new OutboxRelay(transactions, producer, "replica-3", 20, 10, false));
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
        List<ConsumerRecord<String, byte[]>> received = kafka.read(topics.name(TOPIC), r -> r.key().startsWith("order-key-"), 300,
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
