package dev.runloom.kernel.kafka;

import io.micronaut.configuration.kafka.config.KafkaDefaultConfiguration;
import io.micronaut.context.annotation.Value;
import io.micronaut.context.env.Environment;
import jakarta.inject.Singleton;

import java.time.Duration;
import java.util.Optional;
import java.util.Properties;

/**
 * The Kafka client settings of a service: everything under {@code kafka.*} as micronaut-kafka reads
 * it (bootstrap servers, TLS, SASL …), plus the few settings the kernel adds (partitions and
 * replication of the topics it creates, records per poll, and how fast a consumer group notices a
 * dead member — see docs/operations.md, "Consumer liveness", for what each choice costs).
 */
@Singleton
public class KafkaSettings {
    private final KafkaDefaultConfiguration kafka;
    private final int partitions;
    private final short replicationFactor;
    private final int maxPollRecords;
    private final Duration sessionTimeout;
    private final Duration heartbeatInterval;
    private final String instanceId;
    private final boolean staticMembership;
    private final String compression;

    public KafkaSettings(Environment environment,
                         @Value("${runloom.kafka.partitions:8}") int partitions,
                         @Value("${runloom.kafka.replication-factor:1}") short replicationFactor,
                         @Value("${runloom.kafka.max-poll-records:500}") int maxPollRecords,
                         @Value("${runloom.kafka.consumer.session-timeout:10s}") Duration sessionTimeout,
                         @Value("${runloom.kafka.consumer.heartbeat-interval:3s}") Duration heartbeatInterval,
                         @Value("${runloom.instance-id:}") String instanceId,
                         @Value("${runloom.kafka.consumer.static-membership:false}") boolean staticMembership,
                         @Value("${runloom.kafka.compression:lz4}") String compression) {
        this.kafka = new KafkaDefaultConfiguration(environment);
        this.partitions = partitions;
        this.replicationFactor = replicationFactor;
        this.maxPollRecords = maxPollRecords;
        this.sessionTimeout = sessionTimeout;
        this.heartbeatInterval = heartbeatInterval;
        this.instanceId = instanceId.isBlank() ? null : instanceId.trim();
        if (staticMembership && this.instanceId == null) {
            throw new IllegalStateException("runloom.kafka.consumer.static-membership needs runloom.instance-id "
                    + "(RUNLOOM_INSTANCE_ID), unique per replica and kept across its restarts");
        }
        this.staticMembership = staticMembership;
        this.compression = compression;
    }

    /**
     * How producers compress their batches: lz4 by default. JSON events shrink to a fraction, and
     * bytes cost CPU in the producer, the broker and every consumer, more than lz4 does (measured on
     * this project's machines by ../shared/tools/ceiling: 1.5× the messages per second of none).
     * Consumers decompress transparently, whatever the setting.
     */
    public String compression() {
        return compression;
    }

    /** A fresh copy of the client configuration, for one producer, consumer or admin client. */
    public Properties clientConfig() {
        Properties config = new Properties();
        config.putAll(kafka.getConfig());
        return config;
    }

    public int partitions() {
        return partitions;
    }

    public short replicationFactor() {
        return replicationFactor;
    }

    public int maxPollRecords() {
        return maxPollRecords;
    }

    /** How long the group waits for a silent member before giving its partitions to the others. */
    public Duration sessionTimeout() {
        return sessionTimeout;
    }

    public Duration heartbeatInterval() {
        return heartbeatInterval;
    }

    /** This replica's stable name ({@code flows-2}), if the deployment gives one: in client ids, and for static membership. */
    public Optional<String> instanceId() {
        return Optional.ofNullable(instanceId);
    }

    /** Whether consumers join with {@code group.instance.id} = group + instance id + thread (Kafka static membership). */
    public boolean staticMembership() {
        return staticMembership;
    }
}
