package dev.runloom.common.inbox;

import dev.runloom.common.events.CloudEventCodec;
import io.cloudevents.CloudEvent;
import io.micronaut.transaction.TransactionOperations;
import jakarta.inject.Singleton;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Idempotent consumption of a poll's worth of events.
 *
 * <p>The whole batch is processed in one transaction that also records (consumer, event id) in the
 * inbox table, so a redelivered event is skipped. If the batch fails, its events are retried one
 * by one; an event that still fails for a reason other than a transient infrastructure error goes
 * to the dead-letter topic and is recorded as handled, so it never blocks its partition. Offsets
 * are committed only after the transaction; on a transient error (database down) nothing is
 * committed and the consumer seeks back so the batch is read again.
 */
@Singleton
public class Inbox {
    private static final Logger LOG = LoggerFactory.getLogger(Inbox.class);
    private static final String CLAIM = """
            INSERT INTO runloom_inbox (consumer, event_id, outcome)
            SELECT ?, unnest(?::text[]), ? ON CONFLICT DO NOTHING RETURNING event_id""";

    private final TransactionOperations<Connection> transactions;
    private final DeadLetters deadLetters;

    public Inbox(TransactionOperations<Connection> transactions, DeadLetters deadLetters) {
        this.transactions = transactions;
        this.deadLetters = deadLetters;
    }

    /**
     * Entry point for a micronaut-kafka batch listener declared with
     * {@code offsetStrategy = OffsetStrategy.DISABLED}: processes and then commits, or seeks back.
     */
    public void consume(String consumer, List<ConsumerRecord<String, byte[]>> records, Consumer<?, ?> kafka,
                        EventHandler handler) {
        consumeWith(consumer, records, kafka, () -> process(consumer, records, handler));
    }

    /** As above, for work prepared outside the transaction (see {@link PreparingHandler}). */
    public <R> void consume(String consumer, List<ConsumerRecord<String, byte[]>> records, Consumer<?, ?> kafka,
                            PreparingHandler<R> handler) {
        consumeWith(consumer, records, kafka, () -> process(consumer, records, handler));
    }

    private static void consumeWith(String consumer, List<ConsumerRecord<String, byte[]>> records, Consumer<?, ?> kafka,
                                    Runnable processing) {
        if (records.isEmpty()) {
            return;
        }
        try {
            processing.run();
            kafka.commitSync(nextOffsets(records));
        } catch (TransientFailure e) {
            LOG.warn("{}: transient failure, will re-read {} events: {}", consumer, records.size(), e.getCause().toString());
            firstOffsets(records).forEach(kafka::seek);
            sleepQuietly(1000);
        }
    }

    /** Processes a batch; throws {@link TransientFailure} when it should be read again later. */
    public void process(String consumer, List<ConsumerRecord<String, byte[]>> records, EventHandler handler) {
        apply(consumer, parse(consumer, records), handler);
    }

    /**
     * Prepares each event not seen before outside any transaction, then applies the prepared
     * results like {@link #process(String, List, EventHandler)}. An event whose preparation fails
     * for a non-transient reason is dead-lettered.
     */
    public <R> void process(String consumer, List<ConsumerRecord<String, byte[]>> records, PreparingHandler<R> handler) {
        Map<IncomingEvent, ConsumerRecord<String, byte[]>> events = parse(consumer, records);
        Set<String> seen;
        try {
            seen = alreadySeen(consumer, events.keySet());
        } catch (RuntimeException e) {
            rethrowIfTransient(e);
            throw e;
        }
        Map<String, R> prepared = new HashMap<>();
        Map<IncomingEvent, ConsumerRecord<String, byte[]>> ready = new LinkedHashMap<>();
        for (Map.Entry<IncomingEvent, ConsumerRecord<String, byte[]>> entry : events.entrySet()) {
            IncomingEvent event = entry.getKey();
            if (seen.contains(event.id()) || prepared.containsKey(event.id())) {
                continue;
            }
            try {
                prepared.put(event.id(), handler.prepare(event));
                ready.put(event, entry.getValue());
            } catch (Exception e) {
                rethrowIfTransient(e);
                deadLetter(consumer, event, entry.getValue(), e);
            }
        }
        apply(consumer, ready, fresh -> handler.apply(fresh.stream()
                .map(event -> new PreparingHandler.Prepared<>(event, prepared.get(event.id())))
                .toList()));
    }

    private Map<IncomingEvent, ConsumerRecord<String, byte[]>> parse(String consumer, List<ConsumerRecord<String, byte[]>> records) {
        Map<IncomingEvent, ConsumerRecord<String, byte[]>> events = new LinkedHashMap<>();
        for (ConsumerRecord<String, byte[]> record : records) {
            try {
                events.put(toIncoming(record), record);
            } catch (RuntimeException notACloudEvent) {
                deadLetters.send(record, consumer, notACloudEvent);
            }
        }
        return events;
    }

    /** The whole batch in one transaction; if that fails, event by event, dead-lettering the ones that still fail. */
    private void apply(String consumer, Map<IncomingEvent, ConsumerRecord<String, byte[]>> events, EventHandler handler) {
        if (events.isEmpty()) {
            return;
        }
        try {
            inTransaction(consumer, new ArrayList<>(events.keySet()), handler);
        } catch (Exception batchFailure) {
            rethrowIfTransient(batchFailure);
            LOG.info("{}: batch of {} failed ({}); retrying one by one", consumer, events.size(), batchFailure.toString());
            for (Map.Entry<IncomingEvent, ConsumerRecord<String, byte[]>> entry : events.entrySet()) {
                try {
                    inTransaction(consumer, List.of(entry.getKey()), handler);
                } catch (Exception single) {
                    rethrowIfTransient(single);
                    deadLetter(consumer, entry.getKey(), entry.getValue(), single);
                }
            }
        }
    }

    private void deadLetter(String consumer, IncomingEvent event, ConsumerRecord<String, byte[]> record, Exception failure) {
        LOG.warn("{}: dead-lettering event {} ({}): {}", consumer, event.id(), event.type(), failure.toString());
        deadLetters.send(record, consumer, rootCause(failure));
        inTransaction(consumer, List.of(event), "dead-lettered", ignored -> { });
    }

    private Set<String> alreadySeen(String consumer, Set<IncomingEvent> events) {
        if (events.isEmpty()) {
            return Set.of();
        }
        return transactions.executeRead(status -> {
            Connection connection = status.getConnection();
            Set<String> seen = new HashSet<>();
            try (PreparedStatement query = connection.prepareStatement(
                    "SELECT event_id FROM runloom_inbox WHERE consumer = ? AND event_id = ANY (?)")) {
                query.setString(1, consumer);
                query.setArray(2, connection.createArrayOf("text", events.stream().map(IncomingEvent::id).toArray()));
                try (ResultSet rows = query.executeQuery()) {
                    while (rows.next()) {
                        seen.add(rows.getString(1));
                    }
                }
            }
            return seen;
        });
    }

    private void inTransaction(String consumer, List<IncomingEvent> events, EventHandler handler) {
        inTransaction(consumer, events, "processed", handler);
    }

    private void inTransaction(String consumer, List<IncomingEvent> events, String outcome, EventHandler handler) {
        transactions.executeWrite(status -> {
            Set<String> fresh = claim(status.getConnection(), consumer, events, outcome);
            List<IncomingEvent> unseen = new ArrayList<>();
            Set<String> taken = new HashSet<>();
            for (IncomingEvent event : events) {
                if (fresh.contains(event.id()) && taken.add(event.id())) {
                    unseen.add(event);
                }
            }
            if (!unseen.isEmpty()) {
                handler.handle(unseen);
            }
            return null;
        });
    }

    private static Set<String> claim(Connection connection, String consumer, List<IncomingEvent> events, String outcome)
            throws SQLException {
        Set<String> fresh = new HashSet<>();
        try (PreparedStatement insert = connection.prepareStatement(CLAIM)) {
            Array ids = connection.createArrayOf("text", events.stream().map(IncomingEvent::id).distinct().toArray());
            insert.setString(1, consumer);
            insert.setArray(2, ids);
            insert.setString(3, outcome);
            try (ResultSet rows = insert.executeQuery()) {
                while (rows.next()) {
                    fresh.add(rows.getString(1));
                }
            }
        }
        return fresh;
    }

    private static IncomingEvent toIncoming(ConsumerRecord<String, byte[]> record) {
        CloudEvent event = CloudEventCodec.fromRecord(record);
        Object org = event.getExtension(CloudEventCodec.ORGANIZATION_EXTENSION);
        byte[] data = event.getData() == null ? new byte[0] : event.getData().toBytes();
        return new IncomingEvent(event.getId(), event.getType(), event.getSubject(), org == null ? null : org.toString(),
                record.topic(), record.key(), data);
    }

    /** Infrastructure errors (connection lost, serialization conflicts) are retried, not dead-lettered. */
    static void rethrowIfTransient(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof TransientFailure transientFailure) {
                throw transientFailure;
            }
            if (t instanceof SQLException sql) {
                String state = sql.getSQLState();
                if (sql instanceof java.sql.SQLTransientException || sql instanceof java.sql.SQLRecoverableException
                        || (state != null && (state.startsWith("08") || state.equals("40001") || state.equals("40P01")
                        || state.startsWith("53") || state.startsWith("57")))) {
                    throw new TransientFailure(failure);
                }
            }
        }
    }

    private static Throwable rootCause(Throwable t) {
        Throwable cause = t;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause;
    }

    private static Map<TopicPartition, OffsetAndMetadata> nextOffsets(List<ConsumerRecord<String, byte[]>> records) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (ConsumerRecord<String, byte[]> record : records) {
            offsets.merge(new TopicPartition(record.topic(), record.partition()), new OffsetAndMetadata(record.offset() + 1),
                    (a, b) -> a.offset() >= b.offset() ? a : b);
        }
        return offsets;
    }

    private static Map<TopicPartition, Long> firstOffsets(List<ConsumerRecord<String, byte[]>> records) {
        Map<TopicPartition, Long> offsets = new HashMap<>();
        for (ConsumerRecord<String, byte[]> record : records) {
            offsets.merge(new TopicPartition(record.topic(), record.partition()), record.offset(), Math::min);
        }
        return offsets;
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * A failure worth retrying later rather than dead-lettering: a handler throws it when a
     * dependency (another service, a provider) is down, so the batch is read again later.
     */
    public static final class TransientFailure extends RuntimeException {
        public TransientFailure(Throwable cause) {
            super(cause);
        }
    }
}
