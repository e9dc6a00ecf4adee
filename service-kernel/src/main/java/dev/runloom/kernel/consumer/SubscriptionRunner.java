package dev.runloom.kernel.consumer;

import dev.runloom.kernel.events.TopicNames;
import dev.runloom.kernel.kafka.KafkaSettings;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.event.StartupEvent;
import io.micronaut.runtime.event.annotation.EventListener;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Runs every {@link EventSubscriber} of the service: per subscription, {@code threads} Kafka
 * consumers in its group, each polling its partitions and handing every poll to the {@link Inbox}
 * (which commits offsets only after the poll's transaction). Started once the application is up
 * (topics exist by then, see TopicBootstrap); stopped, polls finished, on shutdown.
 */
@Singleton
@Requires(property = "runloom.consumers.autostart", notEquals = "false")
public class SubscriptionRunner {
    private static final Logger LOG = LoggerFactory.getLogger(SubscriptionRunner.class);
    private static final Duration POLL = Duration.ofMillis(500);

    private final List<EventSubscriber> subscribers;
    private final Inbox inbox;
    private final KafkaSettings settings;
    private final TopicNames topics;
    private final List<ConsumerLoop> loops = new CopyOnWriteArrayList<>();

    public SubscriptionRunner(List<EventSubscriber> subscribers, Inbox inbox, KafkaSettings settings, TopicNames topics) {
        this.subscribers = subscribers;
        this.inbox = inbox;
        this.settings = settings;
        this.topics = topics;
    }

    @EventListener
    void onStartup(StartupEvent event) {
        for (EventSubscriber subscriber : subscribers) {
            Subscription subscription = subscriber.subscription();
            for (int i = 0; i < subscription.threads(); i++) {
                ConsumerLoop loop = new ConsumerLoop(subscription, i);
                loops.add(loop);
                loop.thread = Thread.ofPlatform().daemon().name(subscription.consumer() + "-" + i).start(loop);
            }
        }
    }

    @PreDestroy
    void stop() throws InterruptedException {
        loops.forEach(ConsumerLoop::stop);
        for (ConsumerLoop loop : loops) {
            loop.thread.join(10_000);
        }
    }

    private final class ConsumerLoop implements Runnable {
        private final Subscription subscription;
        private final KafkaConsumer<String, byte[]> consumer;
        private volatile boolean running = true;
        private Thread thread;

        ConsumerLoop(Subscription subscription, int index) {
            this.subscription = subscription;
            Properties config = settings.clientConfig();
            String group = topics.group(subscription.consumer());
            // the replica's name in the client id shows in the group's assignment which replica holds which partitions
            String member = settings.instanceId().map(id -> group + "-" + id + "-" + index).orElse(group + "-" + index);
            config.put(ConsumerConfig.GROUP_ID_CONFIG, group);
            config.put(ConsumerConfig.CLIENT_ID_CONFIG, member);
            // a killed replica's partitions wait this long for a new owner (Kafka's default is 45 s)
            config.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, (int) settings.sessionTimeout().toMillis());
            config.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, (int) settings.heartbeatInterval().toMillis());
            if (settings.staticMembership()) {
                // a restarted replica takes its partitions back without a rebalance (see docs/operations.md)
                config.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, member);
            }
            config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
            config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
            config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, settings.maxPollRecords());
            this.consumer = new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer());
        }

        @Override
        public void run() {
            List<String> names = new ArrayList<>();
            subscription.streams().forEach(stream -> names.add(topics.of(stream)));
            try (consumer) {
                consumer.subscribe(names);
                while (running) {
                    ConsumerRecords<String, byte[]> polled = consumer.poll(POLL);
                    if (polled.isEmpty()) {
                        continue;
                    }
                    List<ConsumerRecord<String, byte[]>> records = new ArrayList<>(polled.count());
                    polled.forEach(records::add);
                    try {
                        inbox.consume(subscription, records, consumer);
                    } catch (RuntimeException e) {
                        // not transient and not an event's fault (e.g. the dead-letter topic is unreachable):
                        // read the poll again after a pause rather than lose it
                        LOG.error("{}: poll failed, re-reading it: {}", subscription.consumer(), e.toString());
                        records.stream().collect(java.util.stream.Collectors.toMap(
                                r -> new org.apache.kafka.common.TopicPartition(r.topic(), r.partition()),
                                ConsumerRecord::offset, Math::min)).forEach(consumer::seek);
                        sleepQuietly();
                    }
                }
            } catch (WakeupException e) {
                if (running) {
                    throw e;
                }
            } catch (RuntimeException e) {
                LOG.error("{}: consumer stopped: {}", subscription.consumer(), e.toString(), e);
            }
        }

        void stop() {
            running = false;
            consumer.wakeup();
        }

        private void sleepQuietly() {
            try {
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
