package dev.runloom.kernel.outbox;

import dev.runloom.kernel.events.CloudEventCodec;
import dev.runloom.kernel.kafka.EventProducer;
import io.cloudevents.CloudEvent;
import io.micronaut.context.annotation.Value;
import io.micronaut.context.event.StartupEvent;
import io.micronaut.runtime.event.annotation.EventListener;
import io.micronaut.transaction.TransactionOperations;
import io.micronaut.transaction.annotation.TransactionalEventListener;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import dev.runloom.common.jdbc.JsonColumns;
import dev.runloom.common.jdbc.Row;
import dev.runloom.common.jdbc.Sql;
import io.micronaut.core.type.Argument;
import java.sql.SQLException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Publishes outbox rows to Kafka and marks them sent only after the broker acknowledged them.
 *
 * <p>One relay round is one transaction: claim up to {@code batchSize} unsent rows in order
 * ({@code FOR UPDATE SKIP LOCKED}), send them all, wait for every ack, mark them sent, commit. If
 * the process dies after sending but before commit the rows are sent again later: a duplicate the
 * consumers' inbox absorbs, never a loss. Several replicas may run the relay; a transaction-scoped
 * advisory lock lets one of them relay at a time, which keeps per-key order across replicas (two
 * replicas sending interleaved batches could reorder one key's events) and hands over at once when
 * a replica dies. The relay wakes right after a commit that appended events, and polls slowly
 * otherwise. A row's extension attributes (column {@code extensions}) become CloudEvents extensions.
 */
@Singleton
public class OutboxRelay {
    private static final Logger LOG = LoggerFactory.getLogger(OutboxRelay.class);
    private static final long ADVISORY_LOCK_KEY = 0x52554E4C4F4F4DL; // "RUNLOOM"
    private static final String CLAIM = """
            SELECT seq, id, aggregatetype, aggregateid, type, payload, subject, organization_id, traceparent,
                   created_at, extensions
            FROM runloom_outbox WHERE sent_at IS NULL ORDER BY seq LIMIT ? FOR UPDATE SKIP LOCKED""";

    private static final Argument<Map<String, String>> EXTENSIONS = Argument.mapOf(String.class, String.class);

    private final TransactionOperations<Connection> transactions;
    private final Sql sql;
    private final JsonColumns json;
    private final EventProducer producer;
    private final String source;
    private final int batchSize;
    private final long idlePollMillis;
    private final boolean autostart;
    private final Semaphore wakeUps = new Semaphore(0);
    private volatile boolean running;
    private volatile Runnable afterSendHook = () -> { };
    private Thread thread;
    private Instant lastPurge = Instant.EPOCH;

    public OutboxRelay(TransactionOperations<Connection> transactions, Sql sql, JsonColumns json, EventProducer producer,
                       @Value("${runloom.service-name}") String serviceName,
                       @Value("${runloom.outbox.relay.batch-size:1000}") int batchSize,
                       @Value("${runloom.outbox.relay.idle-poll-ms:250}") long idlePollMillis,
                       @Value("${runloom.outbox.relay.autostart:true}") boolean autostart) {
        this.transactions = transactions;
        this.sql = sql;
        this.json = json;
        this.producer = producer;
        this.source = "urn:runloom:" + serviceName;
        this.batchSize = batchSize;
        this.idlePollMillis = idlePollMillis;
        this.autostart = autostart;
    }

    @EventListener
    void onStartup(StartupEvent event) {
        if (!autostart) {
            return; // tests drive relayOnce() themselves
        }
        running = true;
        thread = Thread.ofPlatform().daemon().name("outbox-relay").start(this::loop);
    }

    @TransactionalEventListener(TransactionalEventListener.TransactionPhase.AFTER_COMMIT)
    void onAppended(OutboxAppended event) {
        wakeUps.release();
    }

    /** Test seam: runs after the broker acknowledged a batch and before it is marked sent. */
    public void afterSendHook(Runnable hook) {
        this.afterSendHook = hook;
    }

    private void loop() {
        while (running) {
            try {
                int sent = relayOnce();
                if (sent < batchSize) {
                    wakeUps.tryAcquire(idlePollMillis, TimeUnit.MILLISECONDS);
                    wakeUps.drainPermits();
                }
                purgeSentRows();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                if (!running) {
                    return;
                }
                LOG.warn("outbox relay round failed; rows stay unsent and will be retried: {}", e.toString());
                sleepQuietly(1000);
            }
        }
    }

    /** One round; returns how many events were published. */
    public int relayOnce() {
        return transactions.executeWrite(status -> {
            if (!sql.first("SELECT pg_try_advisory_xact_lock(?)", row -> row.bool("pg_try_advisory_xact_lock"),
                    ADVISORY_LOCK_KEY).orElse(false)) {
                return 0;
            }
            List<ClaimedEvent> claimed = sql.list(CLAIM, ClaimedEvent::read, batchSize);
            if (claimed.isEmpty()) {
                return 0;
            }
            List<Future<RecordMetadata>> acks = new ArrayList<>(claimed.size());
            for (ClaimedEvent row : claimed) {
                CloudEvent event = CloudEventCodec.build(row.id(), source, row.type(), row.subject(),
                        row.organizationId(), row.traceparent(), extensions(row), row.createdAt().atOffset(ZoneOffset.UTC),
                        row.payload().getBytes(StandardCharsets.UTF_8));
                acks.add(producer.send(CloudEventCodec.toRecord(row.topic(), row.key(), event)));
            }
            producer.flush();
            for (Future<RecordMetadata> ack : acks) {
                try {
                    ack.get(30, TimeUnit.SECONDS);
                } catch (Exception e) {
                    throw new OutboxException("broker did not acknowledge an outbox event", e);
                }
            }
            afterSendHook.run();
            sql.update("UPDATE runloom_outbox SET sent_at = now() WHERE seq = ANY (?)",
                    (Object) claimed.stream().map(ClaimedEvent::seq).toArray(Long[]::new));
            return claimed.size();
        });
    }

    /** The row's extension attributes (a JSON object of strings, or NULL for none). */
    private Map<String, String> extensions(ClaimedEvent row) {
        Map<String, String> extensions = json.read(row.extensions(), EXTENSIONS);
        return extensions == null ? Map.of() : extensions;
    }

    /** Sent rows are kept an hour for inspection, then removed so the table stays small. */
    private void purgeSentRows() {
        if (lastPurge.isAfter(Instant.now().minusSeconds(60))) {
            return;
        }
        lastPurge = Instant.now();
        transactions.executeWrite(status -> sql.update("DELETE FROM runloom_outbox WHERE sent_at < now() - interval '1 hour'"));
    }

    /** An unsent outbox row, in Debezium's outbox columns: aggregatetype is the topic, aggregateid the key. */
    private record ClaimedEvent(long seq, String id, String topic, String key, String type, String payload,
                                String subject, String organizationId, String traceparent, Instant createdAt,
                                String extensions) {
        static ClaimedEvent read(Row row) throws SQLException {
            return new ClaimedEvent(row.longValue("seq"), row.string("id"), row.string("aggregatetype"),
                    row.string("aggregateid"), row.string("type"), row.string("payload"), row.string("subject"),
                    row.string("organization_id"), row.string("traceparent"), row.instant("created_at"),
                    row.string("extensions"));
        }
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @PreDestroy
    void stop() throws InterruptedException {
        running = false;
        if (thread != null) {
            wakeUps.release();
            thread.join(5000);
        }
    }
}
