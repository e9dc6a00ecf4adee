package dev.runloom.common.events;

import io.micronaut.context.annotation.Value;
import jakarta.inject.Singleton;

/**
 * Topic names, one per aggregate stream ({@code runloom.<domain>.<stream>.v1}). A configurable
 * prefix ({@code runloom.kafka.topic-prefix}) lets tests and shared clusters isolate a deployment.
 */
@Singleton
public class Topics {
    /** Record lifecycle events, keyed by record id. */
    public static final String RECORDS = "runloom.records.records.v1";
    /** One event per finished flow execution of a record, keyed by record id. */
    public static final String FLOW_EXECUTIONS = "runloom.flows.executions.v1";
    /** Batch lifecycle (started, completed), keyed by batch id. */
    public static final String FLOW_BATCHES = "runloom.flows.batches.v1";
    /** Internal to flows-service: one work item per record of a large batch, keyed by record id. */
    public static final String FLOW_BATCH_WORK = "runloom.flows.batch-work.v1";
    /** Schedule firings (run requested), keyed by schedule id. */
    public static final String SCHEDULE_RUNS = "runloom.schedules.runs.v1";
    /** Agent execution lifecycle, keyed by execution id. */
    public static final String AGENT_EXECUTIONS = "runloom.agents.executions.v1";

    public static final String DLQ_SUFFIX = ".dlq";

    private final String prefix;

    public Topics(@Value("${runloom.kafka.topic-prefix:}") String prefix) {
        this.prefix = prefix;
    }

    public String name(String base) {
        return prefix + base;
    }

    public static String deadLetterTopic(String topic) {
        return topic + DLQ_SUFFIX;
    }
}
