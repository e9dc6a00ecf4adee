package dev.runloom.kernel.outbox;

import io.micronaut.context.annotation.Value;
import io.micronaut.context.event.StartupEvent;
import io.micronaut.runtime.event.annotation.EventListener;
import io.micronaut.transaction.TransactionOperations;
import io.micronaut.transaction.annotation.TransactionalEventListener;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import dev.runloom.common.jdbc.JsonColumns;
import dev.runloom.common.jdbc.Row;
import dev.runloom.common.jdbc.Sql;
import io.micronaut.core.type.Argument;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Publishes outbox rows to Kafka and deletes them only after the broker acknowledged them.
 *
 * <p>One relay round is one transaction: claim up to {@code batchSize} rows in order
 * ({@code FOR UPDATE SKIP LOCKED}), send them all, wait for every ack, delete them, commit. If
 * the process dies after sending but before commit the rows are sent again later: a duplicate the
 * consumers' inbox absorbs, never a loss. Sent rows are deleted rather than marked: marking wrote a
 * second version of every row (payload included) and its index entries, which was the single
 * costliest statement of a large batch; a delete only stamps the row. Kafka is where sent events
 * are read from (the topics keep them for their retention time). Several replicas may run the relay; a transaction-scoped
 * advisory lock lets one of them relay at a time, which keeps per-key order across replicas (two
 * replicas sending interleaved batches could reorder one key's events) and hands over at once when
 * a replica dies. The relay wakes right after a commit that appended events, and polls slowly
 * otherwise. A row's extension attributes (column {@code extensions}) become CloudEvents extensions.
 */
@Singleton
public class OutboxRelay {
    private static final Logger LOG = LoggerFactory.getLogger(OutboxRelay.class);
    private static final long ADVISORY_LOCK_KEY = 0x52554E4C4F4F4DL; // "RUNLOOM"
    // sent_at is set only by relays from before kernel migration V0_4, still running during a rolling upgrade
    /**
     * The claim reads the oldest rows in primary-key order, always: the table holds few live rows and,
     * between autovacuum runs, many deleted ones, so the planner (counting the live ones) would scan the
     * whole heap and sort it instead — 20 ms a round in a large batch, against well under one.
     */
    private static final String LOCK_AND_PLAN = """
            SELECT pg_try_advisory_xact_lock(?) AS locked, set_config('enable_seqscan', 'off', true),
                   set_config('enable_bitmapscan', 'off', true)""";
    private static final String CLAIM = """
            SELECT seq, id, aggregatetype, aggregateid, type, payload, subject, organization_id, traceparent,
                   created_at, extensions
            FROM runloom_outbox WHERE sent_at IS NULL ORDER BY seq LIMIT ? FOR UPDATE SKIP LOCKED""";

    private static final Argument<Map<String, String>> EXTENSIONS = Argument.mapOf(String.class, String.class);

    private final TransactionOperations<Connection> transactions;
    private final Sql sql;
    private final JsonColumns json;
    private final AcknowledgedPublisher publisher;
    private final int batchSize;
    private final long idlePollMillis;
    private final boolean autostart;
    private final Semaphore wakeUps = new Semaphore(0);
    private volatile boolean running;
    private volatile Runnable afterSendHook = () -> { };
    private Thread thread;

    public OutboxRelay(TransactionOperations<Connection> transactions, Sql sql, JsonColumns json,
                       AcknowledgedPublisher publisher,
                       @Value("${runloom.outbox.relay.batch-size:1000}") int batchSize,
                       @Value("${runloom.outbox.relay.idle-poll-ms:250}") long idlePollMillis,
                       @Value("${runloom.outbox.relay.autostart:true}") boolean autostart) {
        this.transactions = transactions;
        this.sql = sql;
        this.json = json;
        this.publisher = publisher;
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

    /** Test seam: runs after the broker acknowledged a batch and before it is deleted. */
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
            if (!sql.first(LOCK_AND_PLAN, row -> row.bool("locked"), ADVISORY_LOCK_KEY).orElse(false)) {
                return 0;
            }
            List<ClaimedEvent> claimed = sql.list(CLAIM, ClaimedEvent::read, batchSize);
            if (claimed.isEmpty()) {
                return 0;
            }
            publisher.publishAll(claimed.stream().map(this::stored).toList());
            afterSendHook.run();
            sql.update("DELETE FROM runloom_outbox WHERE seq = ANY (?)",
                    (Object) claimed.stream().map(ClaimedEvent::seq).toArray(Long[]::new));
            return claimed.size();
        });
    }

    private AcknowledgedPublisher.StoredEvent stored(ClaimedEvent row) {
        return new AcknowledgedPublisher.StoredEvent(row.id(), row.topic(), row.key(), row.type(), row.subject(),
                row.organizationId(), row.traceparent(), extensions(row), row.createdAt(), row.payload());
    }

    /** The row's extension attributes (a JSON object of strings, or NULL for none). */
    private Map<String, String> extensions(ClaimedEvent row) {
        Map<String, String> extensions = json.read(row.extensions(), EXTENSIONS);
        return extensions == null ? Map.of() : extensions;
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
