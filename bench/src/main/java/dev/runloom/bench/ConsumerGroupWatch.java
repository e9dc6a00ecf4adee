package dev.runloom.bench;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.ConsumerGroupListing;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.common.ConsumerGroupState;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

/**
 * Watches every consumer group on the broker once a second while a scenario runs, from the broker's
 * side: a group seen in a state other than {@code Stable}, or whose member ids changed between two
 * samples, went through a rebalance — e.g. a member that exceeded {@code max.poll.interval.ms} is
 * expelled and rejoins under a new member id. (The services log Kafka's clients at WARN only, so their
 * logs show a poll timeout but not an ordinary rebalance.) A rebalance shorter than a second between
 * two samples that leaves the same members is not seen.
 */
final class ConsumerGroupWatch implements AutoCloseable {
    private static final int MAX_EVENTS = 20;

    private final Admin admin;
    private final Thread sampler;
    private volatile boolean running = true;
    private final Map<String, Set<String>> members = new HashMap<>();
    private final AtomicInteger samples = new AtomicInteger();
    private final AtomicInteger unstableSamples = new AtomicInteger();
    private final AtomicInteger membershipChanges = new AtomicInteger();
    private final ConcurrentLinkedQueue<String> events = new ConcurrentLinkedQueue<>();

    ConsumerGroupWatch(String bootstrapServers) {
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5000, AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5000));
        sampler = Thread.ofPlatform().daemon().name("bench-group-watch").start(this::loop);
    }

    private void loop() {
        while (running) {
            long started = System.nanoTime();
            try {
                sample();
            } catch (Exception e) {
                note("sample failed: " + e);
            }
            long rest = 1000 - (System.nanoTime() - started) / 1_000_000;
            if (rest > 0) {
                try {
                    Thread.sleep(rest);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    private void sample() throws Exception {
        List<String> groups = admin.listConsumerGroups().all().get(5, TimeUnit.SECONDS).stream()
                .map(ConsumerGroupListing::groupId).toList();
        Map<String, ConsumerGroupDescription> described = admin.describeConsumerGroups(groups).all().get(5, TimeUnit.SECONDS);
        samples.incrementAndGet();
        for (ConsumerGroupDescription group : described.values()) {
            ConsumerGroupState state = group.state();
            if (state != ConsumerGroupState.STABLE && state != ConsumerGroupState.EMPTY) {
                unstableSamples.incrementAndGet();
                note(group.groupId() + " " + state);
            }
            Set<String> now = group.members().stream().map(MemberDescription::consumerId).collect(Collectors.toCollection(TreeSet::new));
            Set<String> before = members.put(group.groupId(), now);
            if (before != null && !before.equals(now)) {
                membershipChanges.incrementAndGet();
                note(group.groupId() + " members " + before.size() + " → " + now.size() + " (ids changed)");
            }
        }
    }

    private void note(String event) {
        if (events.size() < MAX_EVENTS) {
            events.add(event);
        }
    }

    int samples() {
        return samples.get();
    }

    /** Samples in which some group was rebalancing (neither Stable nor Empty). */
    int unstableSamples() {
        return unstableSamples.get();
    }

    /** Times a group's member ids differed from the previous sample. */
    int membershipChanges() {
        return membershipChanges.get();
    }

    List<String> events() {
        return new ArrayList<>(events);
    }

    @Override
    public void close() throws InterruptedException {
        if (!running) {
            return;
        }
        running = false;
        sampler.interrupt();
        sampler.join(10_000);
        admin.close();
    }
}
