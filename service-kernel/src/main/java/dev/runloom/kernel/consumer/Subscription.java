package dev.runloom.kernel.consumer;

import dev.runloom.events.EventStream;
import dev.runloom.events.EventType;
import dev.runloom.kernel.events.CloudEventCodec;
import io.micronaut.core.annotation.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * One consumer (a Kafka consumer group and an inbox name): which event types it handles and how.
 * Its topics are the streams of those types. Each type is handled in one of two ways:
 * <ul>
 *   <li>{@link Builder#on}: the handler gets the new events of a poll, in delivery order, inside the
 *       inbox transaction, so its writes and the inbox rows commit together;</li>
 *   <li>{@link Builder#prepareThenApply}: slow work (model calls, requests to other services) runs
 *       first for each new event outside any transaction, then the results are applied inside it.</li>
 * </ul>
 * {@link Builder#onDeadLetter} says what a dead-lettered event of a type means for the consumer's
 * own state (e.g. a work item becomes a failed record, so its batch still completes). Events of
 * types nobody handles are counted ({@link #unhandledCounts()}) and logged once per type; they are
 * neither decoded nor recorded in the inbox.
 *
 * <p>{@link Builder#onlyWithExtension} narrows a subscription to the events that carry a CloudEvents
 * extension attribute (e.g. {@code runloomschedulerun}): any other event of its streams is skipped on
 * its headers alone — not decoded, not recorded in the inbox, not handled — counted per type
 * ({@link #filteredCounts()}), and its offset committed like any other.
 */
public final class Subscription {
    private static final Logger LOG = LoggerFactory.getLogger(Subscription.class);

    private final String consumer;
    private final int threads;
    private final Map<String, Route<?, ?>> routes;
    private final Set<String> requiredExtensions;
    private final Map<String, LongAdder> unhandled = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> filtered = new ConcurrentHashMap<>();

    private Subscription(String consumer, int threads, Map<String, Route<?, ?>> routes, Set<String> requiredExtensions) {
        this.consumer = consumer;
        this.threads = threads;
        this.routes = Map.copyOf(routes);
        this.requiredExtensions = Set.copyOf(requiredExtensions);
    }

    public static Builder consumer(String name) {
        return new Builder(name);
    }

    public String consumer() {
        return consumer;
    }

    public int threads() {
        return threads;
    }

    public Set<EventStream> streams() {
        Set<EventStream> streams = new LinkedHashSet<>();
        routes.values().forEach(route -> streams.add(route.type().stream()));
        return streams;
    }

    @Nullable Route<?, ?> route(String type) {
        return routes.get(type);
    }

    Collection<Route<?, ?>> routes() {
        return routes.values();
    }

    /** The extension attributes an event must carry to be handled (empty: every event of a handled type). */
    public Set<String> requiredExtensions() {
        return requiredExtensions;
    }

    /** Whether the event carries every extension attribute this subscription requires. */
    boolean accepts(IncomingEvent event) {
        return accepts(event::extension);
    }

    /** As {@link #accepts(IncomingEvent)}, given how to read an extension attribute (null when absent). */
    boolean accepts(java.util.function.Function<String, String> extension) {
        for (String name : requiredExtensions) {
            if (extension.apply(name) == null) {
                return false;
            }
        }
        return true;
    }

    /** Counts an event skipped because it lacks a required extension; logs the first of each type. */
    void countFiltered(String type) {
        LongAdder count = filtered.computeIfAbsent(type, t -> {
            LOG.info("{}: skipping events of type {} without extension(s) {} (filtered, not decoded); counted, "
                    + "logged once", consumer, t, requiredExtensions);
            return new LongAdder();
        });
        count.increment();
    }

    /** How many events of each handled type this consumer skipped since it started for lacking a required extension. */
    public Map<String, Long> filteredCounts() {
        Map<String, Long> counts = new LinkedHashMap<>();
        filtered.forEach((type, count) -> counts.put(type, count.sum()));
        return counts;
    }

    /** Counts an event of a type this consumer does not handle; logs the first of each type. */
    void countUnhandled(String type) {
        LongAdder count = unhandled.computeIfAbsent(type, t -> {
            LOG.info("{}: ignoring events of type {} (no handler); counted, logged once", consumer, t);
            return new LongAdder();
        });
        count.increment();
    }

    /** How many events of each unhandled type this consumer skipped since it started. */
    public Map<String, Long> unhandledCounts() {
        Map<String, Long> counts = new LinkedHashMap<>();
        unhandled.forEach((type, count) -> counts.put(type, count.sum()));
        return counts;
    }

    /** Handles new events of one type inside the inbox transaction. */
    @FunctionalInterface
    public interface Handler<T> {
        void handle(List<Received<T>> events) throws Exception;
    }

    /** Outside any transaction: the slow part of handling one event. May run for a duplicate (then it is not applied). */
    @FunctionalInterface
    public interface Preparer<T, R> {
        R prepare(Received<T> event) throws Exception;
    }

    /**
     * Outside any transaction: starts the slow part of handling one event and returns at once with
     * its pending result, so several events of a poll can be worked on at the same time. The inbox
     * waits for every pending result of the poll — still outside any transaction — before it opens
     * the one that applies them.
     */
    @FunctionalInterface
    public interface AsyncPreparer<T, R> {
        CompletionStage<R> prepare(Received<T> event) throws Exception;
    }

    /** Inside the inbox transaction: applies what was prepared, in delivery order. */
    @FunctionalInterface
    public interface Applier<T, R> {
        void apply(List<Prepared<T, R>> prepared) throws Exception;
    }

    /** Inside a transaction with the inbox row that marks the event dead-lettered. */
    @FunctionalInterface
    public interface DeadLetterHandler<T> {
        void deadLettered(Received<T> event, String reason) throws Exception;
    }

    public record Prepared<T, R>(Received<T> event, R result) {
    }

    /**
     * How one event type is handled. {@code preparer} null: handled by {@code handler} alone;
     * {@code async}: the preparer's result is a {@link CompletionStage} the inbox awaits.
     */
    record Route<T, R>(EventType<T> type, @Nullable Preparer<T, ?> preparer, boolean async, @Nullable Handler<T> handler,
                       @Nullable Applier<T, R> applier, @Nullable DeadLetterHandler<T> deadLetterHandler) {

        Route<T, R> withDeadLetterHandler(DeadLetterHandler<T> handler) {
            return new Route<>(type, preparer, async, this.handler, applier, handler);
        }

        /** The prepared result, or (async) its pending {@link CompletionStage}. */
        @SuppressWarnings("unchecked")
        Object prepare(Received<?> event) throws Exception {
            return ((Preparer<T, ?>) preparer).prepare((Received<T>) event);
        }

        /** Items are {@link Received} for plain handlers, {@link Prepared} for prepared ones. */
        @SuppressWarnings({"unchecked", "rawtypes"})
        void apply(List<?> items) throws Exception {
            if (preparer == null) {
                handler.handle((List<Received<T>>) items);
            } else {
                applier.apply((List<Prepared<T, R>>) (List) items);
            }
        }

        @SuppressWarnings("unchecked")
        void deadLettered(Received<?> event, String reason) throws Exception {
            if (deadLetterHandler != null) {
                deadLetterHandler.deadLettered((Received<T>) event, reason);
            }
        }
    }

    public static final class Builder {
        private final String consumer;
        private int threads = 1;
        private final Map<String, Route<?, ?>> routes = new LinkedHashMap<>();
        private final Set<String> requiredExtensions = new LinkedHashSet<>();

        private Builder(String consumer) {
            if (!consumer.matches("[a-z]+-service\\.[a-z-]+")) {
                throw new IllegalArgumentException("consumer names are <service>.<purpose>: " + consumer);
            }
            this.consumer = consumer;
        }

        /** Consumer threads in this process (each owns some partitions). Default 1. */
        public Builder threads(int threads) {
            if (threads < 1) {
                throw new IllegalArgumentException("threads must be at least 1");
            }
            this.threads = threads;
            return this;
        }

        /**
         * Handles only events that carry the CloudEvents extension attribute {@code name} (any value);
         * the others are skipped without being decoded or recorded in the inbox, counted in
         * {@link Subscription#filteredCounts()}, and their offsets committed. For consumers that care
         * about a small part of a busy stream (schedules-service and the events of schedule runs).
         * Called more than once, an event needs every named extension.
         */
        public Builder onlyWithExtension(String name) {
            if (!CloudEventCodec.isValidExtensionName(name)) {
                throw new IllegalArgumentException("CloudEvents extension names are 1 to 20 lower-case letters a-z "
                        + "and digits 0-9: '" + name + "'");
            }
            requiredExtensions.add(name);
            return this;
        }

        public <T> Builder on(EventType<T> type, Handler<T> handler) {
            return add(new Route<T, Void>(type, null, false, handler, null, null));
        }

        public <T, R> Builder prepareThenApply(EventType<T> type, Preparer<T, R> preparer, Applier<T, R> applier) {
            return add(new Route<>(type, preparer, false, null, applier, null));
        }

        /** As {@link #prepareThenApply}, for preparers that work on several events of a poll at once. */
        public <T, R> Builder prepareAsyncThenApply(EventType<T> type, AsyncPreparer<T, R> preparer,
                                                    Applier<T, R> applier) {
            Preparer<T, CompletionStage<R>> pending = preparer::prepare;
            return add(new Route<>(type, pending, true, null, applier, null));
        }

        /** For a type already handled: what a dead-lettered event of it means for this consumer's state. */
        public <T> Builder onDeadLetter(EventType<T> type, DeadLetterHandler<T> handler) {
            @SuppressWarnings("unchecked")
            Route<T, ?> route = (Route<T, ?>) routes.get(type.type());
            if (route == null) {
                throw new IllegalStateException("declare how " + type.type() + " is handled before its dead letters");
            }
            routes.put(type.type(), route.withDeadLetterHandler(handler));
            return this;
        }

        private Builder add(Route<?, ?> route) {
            if (routes.putIfAbsent(route.type().type(), route) != null) {
                throw new IllegalStateException(consumer + " handles " + route.type().type() + " twice");
            }
            return this;
        }

        public Subscription build() {
            if (routes.isEmpty()) {
                throw new IllegalStateException(consumer + " handles no event type");
            }
            return new Subscription(consumer, threads, routes, requiredExtensions);
        }
    }
}
