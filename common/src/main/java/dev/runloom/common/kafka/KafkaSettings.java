package dev.runloom.common.kafka;

import io.micronaut.context.annotation.Value;
import jakarta.inject.Singleton;

/** The few Kafka settings the shared kernel needs outside micronaut-kafka's own configuration. */
@Singleton
public class KafkaSettings {
    private final String bootstrapServers;
    private final int partitions;
    private final short replicationFactor;

    public KafkaSettings(@Value("${kafka.bootstrap.servers}") String bootstrapServers,
                         @Value("${runloom.kafka.partitions:8}") int partitions,
                         @Value("${runloom.kafka.replication-factor:1}") short replicationFactor) {
        this.bootstrapServers = bootstrapServers;
        this.partitions = partitions;
        this.replicationFactor = replicationFactor;
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    public int partitions() {
        return partitions;
    }

    public short replicationFactor() {
        return replicationFactor;
    }
}
