package dev.runloom.kernel.kafka;

import dev.runloom.events.EventCatalog;
import dev.runloom.events.EventStream;
import dev.runloom.kernel.consumer.EventSubscriber;
import dev.runloom.kernel.events.TopicNames;
import io.micronaut.context.annotation.Context;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;

/**
 * Creates the topics a service touches (and their dead-letter topics) before anything produces or
 * consumes, then waits until every partition has a leader: an idempotent producer that sends to a
 * brand-new topic can otherwise stall for minutes on OUT_OF_ORDER_SEQUENCE_NUMBER.
 */
@Context
public class TopicBootstrap {
    private static final Logger LOG = LoggerFactory.getLogger(TopicBootstrap.class);

    /**
     * @param published   the catalogs of the events this service publishes (its outbox writes to their streams)
     * @param subscribers the service's consumers (they read their handled types' streams)
     */
    public TopicBootstrap(KafkaSettings settings, TopicNames topics, List<EventCatalog> published,
                          List<EventSubscriber> subscribers) {
        Set<EventStream> streams = new LinkedHashSet<>();
        published.forEach(catalog -> streams.addAll(catalog.streams()));
        subscribers.forEach(subscriber -> streams.addAll(subscriber.subscription().streams()));
        List<String> names = new ArrayList<>();
        for (EventStream stream : streams) {
            names.add(topics.of(stream));
            names.add(topics.deadLetterOf(stream));
        }
        if (!names.isEmpty()) {
            ensure(settings, names);
        }
    }

    /** How long a starting service waits for the broker (it may be starting or restarting too) before it gives up. */
    private static final Duration BROKER_PATIENCE = Duration.ofMinutes(3);

    static void ensure(KafkaSettings settings, List<String> names) {
        Properties props = settings.clientConfig();
        Instant deadline = Instant.now().plus(BROKER_PATIENCE);
        try (Admin admin = Admin.create(props)) {
            while (true) {
                try {
                    createMissing(settings, admin, names);
                    break;
                } catch (RetriableException e) {
                    // the broker is not reachable yet (restarting, or starved of CPU): wait for it, as a
                    // service started before its broker would in production, rather than exit
                    if (Instant.now().isAfter(deadline)) {
                        throw new IllegalStateException("cannot create topics, the broker did not answer for "
                                + BROKER_PATIENCE + ": " + e, e);
                    }
                    LOG.warn("broker not ready to create topics, retrying: {}", e.toString());
                    Thread.sleep(1000);
                }
            }
            awaitLeaders(admin, names);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics", e);
        }
    }

    /** One request for all topics; a topic that already exists (another replica, a restart) is fine. */
    private static void createMissing(KafkaSettings settings, Admin admin, List<String> names) throws InterruptedException {
        Map<String, KafkaFuture<Void>> created = admin.createTopics(names.stream()
                .map(name -> new NewTopic(name, settings.partitions(), settings.replicationFactor()))
                .toList()).values();
        for (Map.Entry<String, KafkaFuture<Void>> topic : created.entrySet()) {
            try {
                topic.getValue().get();
            } catch (ExecutionException e) {
                if (e.getCause() instanceof RetriableException retriable) {
                    throw retriable;
                }
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw new IllegalStateException("cannot create topic " + topic.getKey(), e.getCause());
                }
            }
        }
    }

    private static void awaitLeaders(Admin admin, List<String> names) throws InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        while (Instant.now().isBefore(deadline)) {
            try {
                Map<String, TopicDescription> described = admin.describeTopics(names).allTopicNames().get();
                boolean ready = described.values().stream()
                        .allMatch(d -> d.partitions().stream().allMatch(p -> p.leader() != null && !p.leader().isEmpty()));
                if (ready) {
                    return;
                }
            } catch (ExecutionException e) {
                LOG.debug("topics not described yet: {}", e.getCause().toString());
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("topics have no leaders after 60 s: " + names);
    }
}
