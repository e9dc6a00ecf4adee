package dev.runloom.kernel.consumer;

import dev.runloom.common.jdbc.Sql;
import dev.runloom.kernel.consumer.Subscription.Prepared;
import dev.runloom.kernel.consumer.Subscription.Route;
import dev.runloom.kernel.consumer.TransientFailures.TransientFailure;
import dev.runloom.kernel.events.CloudEventCodec;
import dev.runloom.kernel.events.TraceContext;
import dev.runloom.events.EventType;
import io.cloudevents.CloudEvent;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.json.JsonMapper;
import io.micronaut.transaction.TransactionOperations;
import jakarta.inject.Singleton;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/**
 * Idempotent consumption of a poll's worth of events for a {@link Subscription}.
 *
 * <p>Events of types the subscription does not handle, and (with {@code onlyWithExtension}) events
 * lacking a required extension attribute, are counted and skipped on their headers alone: not
 * decoded, not recorded in the inbox, and a poll holding nothing else opens no transaction. The
 * others are read as their contracts' records and routed by type. Work declared as prepared runs
 * first, outside any transaction. Then the whole poll is applied in one transaction that also
 * records (consumer, event id) in the inbox table, so a redelivered event is skipped. If that
 * fails, events are applied one by one; one that still fails for a reason other than a transient
 * infrastructure error goes to the dead-letter topic, its consumer's dead-letter handler records
 * what that means, and it never blocks its partition. Offsets are committed only after the
 * transaction; on a transient error nothing is committed and the consumer seeks back so the poll
 * is read again.
 */
@Singleton
public class Inbox {
    private static final Logger LOG = LoggerFactory.getLogger(Inbox.class);
    private static final String CLAIM = """
            INSERT INTO runloom_inbox (consumer, event_id, outcome)
            SELECT ?, unnest(?::text[]), ? ON CONFLICT DO NOTHING RETURNING event_id""";
    private static final String SEEN = "SELECT event_id FROM runloom_inbox WHERE consumer = ? AND event_id = ANY (?)";

    private final TransactionOperations<Connection> transactions;
    private final Sql sql;
    private final JsonMapper json;
    private final DeadLetters deadLetters;
    private final TransientFailures transientFailures;

    public Inbox(TransactionOperations<Connection> transactions, Sql sql, JsonMapper json, DeadLetters deadLetters,
                 TransientFailures transientFailures) {
        this.transactions = transactions;
        this.sql = sql;
        this.json = json;
        this.deadLetters = deadLetters;
        this.transientFailures = transientFailures;
    }

    /** Processes a poll, then commits its offsets; or, on a transient failure, seeks back to read it again. */
    public void consume(Subscription subscription, List<ConsumerRecord<String, byte[]>> records, Consumer<?, ?> kafka) {
        if (records.isEmpty()) {
            return;
        }
        try {
            process(subscription, records);
        } catch (TransientFailure e) {
            LOG.warn("{}: transient failure, will re-read {} events: {}", subscription.consumer(), records.size(),
                    summary(e.getCause()));
            firstOffsets(records).forEach(kafka::seek);
            sleepQuietly(1000);
            return;
        }
        try {
            kafka.commitSync(nextOffsets(records));
        } catch (CommitFailedException e) {
            // partitions moved to another consumer mid-poll: it re-reads them, and the inbox skips what we did
            LOG.info("{}: offsets not committed after a rebalance; the new owner skips processed events", subscription.consumer());
        }
    }

    /** Processes a poll; throws {@link TransientFailure} when it should be read again later. */
    public void process(Subscription subscription, List<ConsumerRecord<String, byte[]>> records) {
        List<Delivery> deliveries = new ArrayList<>(records.size());
        for (ConsumerRecord<String, byte[]> record : records) {
            Delivery delivery = read(subscription, record);
            if (delivery != null) {
                deliveries.add(delivery);
            }
        }
        prepare(subscription, deliveries);
        apply(subscription, deliveries.stream().filter(d -> !d.deadLettered).toList());
    }

    /**
     * Null when the record is skipped: not even a CloudEvent (it is dead-lettered at once), of a type
     * the subscription does not handle, or lacking an extension it requires (both only counted:
     * there is nothing to decode, claim or make idempotent).
     */
    private @Nullable Delivery read(Subscription subscription, ConsumerRecord<String, byte[]> record) {
        // Most events a consumer skips (types it has no route for, events without a required extension) are
        // recognised from their ce_* headers alone: no CloudEvent is built for them (building one parses every
        // attribute, its time too, which was most of the cost of a consumer that skips most of its topic).
        String rawType = CloudEventCodec.headerText(record, "type");
        if (rawType != null) {
            if (subscription.route(rawType) == null) {
                subscription.countUnhandled(rawType);
                return null;
            }
            if (!subscription.accepts(name -> CloudEventCodec.headerText(record, name))) {
                subscription.countFiltered(rawType);
                return null;
            }
        }
        IncomingEvent event;
        try {
            event = toIncoming(record);
        } catch (RuntimeException notACloudEvent) {
            deadLetters.send(record, subscription.consumer(), notACloudEvent);
            return null;
        }
        Route<?, ?> route = subscription.route(event.type());
        if (route == null) {
            subscription.countUnhandled(event.type());
            return null;
        }
        if (!subscription.accepts(event)) {
            subscription.countFiltered(event.type());
            return null;
        }
        Delivery delivery = new Delivery(event, record, route);
        try {
            delivery.received = decode(event, route.type());
        } catch (RuntimeException unreadable) {
            deadLetter(subscription, delivery, unreadable);
        }
        return delivery;
    }

    /** Outside any transaction: the prepared work of every event not seen before. */
    private void prepare(Subscription subscription, List<Delivery> deliveries) {
        List<Delivery> toPrepare = deliveries.stream()
                .filter(d -> !d.deadLettered && d.route.preparer() != null).toList();
        if (toPrepare.isEmpty()) {
            return;
        }
        Set<String> seen = alreadySeen(subscription.consumer(), toPrepare);
        for (Delivery delivery : toPrepare) {
            if (!seen.add(delivery.event.id())) {
                continue; // processed before, or a second copy in this poll: claimed once, prepared once
            }
            try {
                TraceContext.whileHandling(delivery.event.traceparent(),
                        () -> delivery.prepared = delivery.route.prepare(delivery.received));
            } catch (Exception e) {
                transientFailures.rethrowIfTransient(e);
                deadLetter(subscription, delivery, e);
            } catch (StackOverflowError e) {
                // a pathological input (deeply nested template or JSON): that event's fault, not the consumer's
                deadLetter(subscription, delivery, new IllegalArgumentException("event is too deeply nested to process", e));
            }
        }
        awaitPending(subscription, toPrepare);
    }

    /** Still outside any transaction: waits for the results asynchronous preparers left pending. */
    private void awaitPending(Subscription subscription, List<Delivery> prepared) {
        for (Delivery delivery : prepared) {
            if (!delivery.route.async() || !(delivery.prepared instanceof CompletionStage<?> pending)) {
                continue;
            }
            try {
                delivery.prepared = pending.toCompletableFuture().join();
            } catch (CompletionException | CancellationException e) {
                Throwable cause = e.getCause() == null ? e : e.getCause();
                Exception failure = cause instanceof Exception ex ? ex
                        : new IllegalArgumentException("event could not be processed: " + cause, cause);
                transientFailures.rethrowIfTransient(failure);
                deadLetter(subscription, delivery, failure);
            }
        }
    }

    /** The whole poll in one transaction; if that fails, event by event, dead-lettering the ones that still fail. */
    private void apply(Subscription subscription, List<Delivery> deliveries) {
        if (deliveries.isEmpty()) {
            return;
        }
        try {
            inTransaction(subscription, deliveries);
        } catch (Exception batchFailure) {
            transientFailures.rethrowIfTransient(batchFailure);
            LOG.info("{}: poll of {} failed ({}); retrying one by one", subscription.consumer(), deliveries.size(),
                    summary(batchFailure));
            for (Delivery delivery : deliveries) {
                try {
                    inTransaction(subscription, List.of(delivery));
                } catch (Exception single) {
                    transientFailures.rethrowIfTransient(single);
                    deadLetter(subscription, delivery, single);
                }
            }
        }
    }

    private void inTransaction(Subscription subscription, List<Delivery> deliveries) {
        transactions.executeWrite(status -> {
            Set<String> fresh = claim(subscription.consumer(), deliveries, "processed");
            List<Delivery> unseen = new ArrayList<>();
            for (Delivery delivery : deliveries) {
                if (fresh.remove(delivery.event.id())) {
                    unseen.add(delivery);
                }
            }
            // consecutive events of one type go to their handler together, so delivery order holds
            int start = 0;
            while (start < unseen.size()) {
                Route<?, ?> route = unseen.get(start).route;
                int end = start;
                while (end < unseen.size() && unseen.get(end).route == route) {
                    end++;
                }
                List<Delivery> group = unseen.subList(start, end);
                List<Object> items = new ArrayList<>(group.size());
                for (Delivery d : group) {
                    items.add(route.preparer() == null ? d.received : new Prepared<>(d.received, d.prepared));
                }
                TraceContext.whileHandling(sharedTraceparent(group), () -> route.apply(items));
                start = end;
            }
            return null;
        });
    }

    private void deadLetter(Subscription subscription, Delivery delivery, Exception failure) {
        Throwable cause = rootCause(failure);
        LOG.warn("{}: dead-lettering event {} ({}): {}", subscription.consumer(), delivery.event.id(),
                delivery.event.type(), summary(cause));
        deadLetters.send(delivery.record, subscription.consumer(), cause);
        delivery.deadLettered = true;
        String reason = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
        try {
            transactions.executeWrite(status -> {
                boolean fresh = !claim(subscription.consumer(), List.of(delivery), "dead-lettered").isEmpty();
                if (fresh && delivery.received != null) {
                    delivery.route.deadLettered(delivery.received, reason);
                }
                return null;
            });
        } catch (RuntimeException handlerFailure) {
            transientFailures.rethrowIfTransient(handlerFailure);
            LOG.error("{}: dead-letter handler failed for event {}; recorded as dead-lettered only: {}",
                    subscription.consumer(), delivery.event.id(), handlerFailure.toString());
            transactions.executeWrite(status -> claim(subscription.consumer(), List.of(delivery), "dead-lettered"));
        }
    }

    private Set<String> alreadySeen(String consumer, List<Delivery> deliveries) {
        try {
            return transactions.executeRead(status -> new HashSet<>(sql.list(SEEN, row -> row.string("event_id"),
                    consumer, ids(deliveries))));
        } catch (RuntimeException e) {
            transientFailures.rethrowIfTransient(e);
            throw e;
        }
    }

    private Set<String> claim(String consumer, List<Delivery> deliveries, String outcome) {
        return new HashSet<>(sql.list(CLAIM, row -> row.string("event_id"), consumer, ids(deliveries), outcome));
    }

    private static String[] ids(List<Delivery> deliveries) {
        return deliveries.stream().map(d -> d.event.id()).distinct().toArray(String[]::new);
    }

    private <T> Received<T> decode(IncomingEvent event, EventType<T> type) {
        T payload;
        try {
            payload = json.readValue(event.data(), type.payload());
        } catch (IOException e) {
            throw new UncheckedIOException("event " + event.id() + " payload is not a " + type.payload().getSimpleName(), e);
        }
        if (payload == null) {
            throw new IllegalArgumentException("event " + event.id() + " has no payload");
        }
        return new Received<>(event.id(), type, event.subject(), event.organizationId(), event.key(), payload,
                event.extensions());
    }

    private static @Nullable String sharedTraceparent(List<Delivery> group) {
        String first = group.get(0).event.traceparent();
        return group.stream().allMatch(d -> Objects.equals(d.event.traceparent(), first)) ? first : null;
    }

    private static IncomingEvent toIncoming(ConsumerRecord<String, byte[]> record) {
        CloudEvent event = CloudEventCodec.fromRecord(record);
        Map<String, String> extensions = new HashMap<>();
        for (String name : event.getExtensionNames()) {
            Object value = event.getExtension(name);
            if (value != null) {
                extensions.put(name, value.toString());
            }
        }
        byte[] data = event.getData() == null ? new byte[0] : event.getData().toBytes();
        return new IncomingEvent(event.getId(), event.getType(), event.getSubject(),
                extensions.get(CloudEventCodec.ORGANIZATION_EXTENSION), extensions.get(CloudEventCodec.TRACEPARENT_EXTENSION),
                record.topic(), record.key(), data, Map.copyOf(extensions));
    }

    /**
     * A failure for the log: the root cause's class and message, without control characters and
     * cut short — a failed batch statement's message quotes every bound value (users' data).
     */
    static String summary(Throwable failure) {
        Throwable cause = rootCause(failure);
        String message = cause.getMessage() == null ? "" : cause.getMessage().replaceAll("\\p{Cntrl}", " ");
        if (message.length() > 300) {
            message = message.substring(0, 300) + "…";
        }
        return cause.getClass().getSimpleName() + ": " + message;
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

    /** One record of a poll on its way through: its event, route, payload and prepared result. */
    private static final class Delivery {
        final IncomingEvent event;
        final ConsumerRecord<String, byte[]> record;
        final Route<?, ?> route;
        @Nullable Received<?> received;
        @Nullable Object prepared;
        boolean deadLettered;

        Delivery(IncomingEvent event, ConsumerRecord<String, byte[]> record, Route<?, ?> route) {
            this.event = event;
            this.record = record;
            this.route = route;
        }
    }
}
