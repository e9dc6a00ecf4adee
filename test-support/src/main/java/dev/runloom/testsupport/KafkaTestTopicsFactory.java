package dev.runloom.testsupport;

import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Property;
import io.micronaut.context.annotation.Requires;
import jakarta.inject.Singleton;

/** Lets a {@code @MicronautTest} inject {@link KafkaTestTopics} for its context's broker, closed with the context. */
@Factory
@Requires(property = "kafka.bootstrap.servers")
class KafkaTestTopicsFactory {

    @Singleton
    @Bean(preDestroy = "close")
    KafkaTestTopics kafkaTestTopics(@Property(name = "kafka.bootstrap.servers") String bootstrapServers) {
        return new KafkaTestTopics(bootstrapServers);
    }
}
