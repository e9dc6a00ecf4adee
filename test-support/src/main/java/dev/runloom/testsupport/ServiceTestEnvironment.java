package dev.runloom.testsupport;

import dev.runloom.events.EventStream;

/** Where a {@link ServiceTest} class's service runs: its database, the broker and its topic prefix. */
public record ServiceTestEnvironment(String jdbcUrl, String kafkaBootstrapServers, String topicPrefix) {

    /** The topic of a stream for this class's service (prefixed like the service's own). */
    public String topic(EventStream stream) {
        return topicPrefix + stream.name();
    }
}
