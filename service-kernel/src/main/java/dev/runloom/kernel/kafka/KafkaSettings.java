package dev.runloom.kernel.kafka;

import io.micronaut.configuration.kafka.config.KafkaDefaultConfiguration;
import io.micronaut.context.annotation.Value;
import io.micronaut.context.env.Environment;
import jakarta.inject.Singleton;

import java.util.Properties;

/**
 * The Kafka client settings of a service: everything under {@code kafka.*} as micronaut-kafka reads
 * it (bootstrap servers, TLS, SASL …), plus the few settings the kernel adds (partitions and
 * replication of the topics it creates, records per poll).
 */
@Singleton
public class KafkaSettings {
    private final KafkaDefaultConfiguration kafka;
    private final int partitions;
    private final short replicationFactor;
    private final int maxPollRecords;

    public KafkaSettings(Environment environment,
                         @Value("${runloom.kafka.partitions:8}") int partitions,
                         @Value("${runloom.kafka.replication-factor:1}") short replicationFactor,
                         @Value("${runloom.kafka.max-poll-records:500}") int maxPollRecords) {
        this.kafka = new KafkaDefaultConfiguration(environment);
        this.partitions = partitions;
        this.replicationFactor = replicationFactor;
        this.maxPollRecords = maxPollRecords;
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
}
