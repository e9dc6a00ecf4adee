package dev.runloom.flows;

import dev.runloom.kernel.events.CloudEventCodec;
import dev.runloom.schedules.events.ScheduleEvents;
import dev.runloom.schedules.events.ScheduleRunRequestedV1;
import dev.runloom.schedules.events.ScheduleRunRequestedV1.ExecutionOptionsV1;
import dev.runloom.testsupport.KafkaTestTopics;
import dev.runloom.testsupport.ServiceTestEnvironment;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.json.JsonMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.UUID;

/**
 * Schedule run requests published the way schedules-service does: CloudEvents on the schedule runs
 * topic, keyed by schedule id (one schedule id here, so the requests of a test are handled in the
 * order they were published).
 */
final class ScheduleRuns {
    static final String SCHEDULE_ID = "sched_options";

    private final KafkaTestTopics kafka;
    private final ServiceTestEnvironment env;
    private final JsonMapper json;

    ScheduleRuns(KafkaTestTopics kafka, ServiceTestEnvironment env, JsonMapper json) {
        this.kafka = kafka;
        this.env = env;
        this.json = json;
    }

    /** A flow run of {@code org_a} over the records of a type, with a fresh run id and batch id. */
    static ScheduleRunRequestedV1 flowRun(String flowId, String recordType, @Nullable Map<String, Object> inputs,
                                          @Nullable ExecutionOptionsV1 options) {
        return new ScheduleRunRequestedV1("run_" + UUID.randomUUID(), SCHEDULE_ID, "org_a", "user_sched", flowId, null,
                recordType, null, inputs, "manual", Instant.now(), "batch_" + UUID.randomUUID(), null, options);
    }

    static ExecutionOptionsV1 options(@Nullable Integer chunkSize, @Nullable Integer recordConcurrency,
                                      @Nullable Integer progressFlushSize, @Nullable Long timeoutMs,
                                      @Nullable Integer maxRetries) {
        return new ExecutionOptionsV1(chunkSize, recordConcurrency, progressFlushSize, timeoutMs, maxRetries);
    }

    /** Publishes the request as a new event; returns the event id. */
    String publish(ScheduleRunRequestedV1 run) {
        String eventId = "evt_" + UUID.randomUUID();
        publish(eventId, run);
        return eventId;
    }

    /** Publishes the request with the given event id (the same id twice: a redelivery). */
    void publish(String eventId, ScheduleRunRequestedV1 run) {
        try {
            var event = CloudEventCodec.build(eventId, "urn:runloom:schedules-service",
                    ScheduleEvents.RUN_REQUESTED.type(), run.scheduleId(), run.organizationId(), null,
                    Instant.now().atOffset(ZoneOffset.UTC), json.writeValueAsBytes(run));
            kafka.produce(CloudEventCodec.toRecord(env.topic(ScheduleEvents.RUNS), run.scheduleId(), event));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Publishes the request as a new event; returns its batch id. */
    String publishAndReturnBatch(ScheduleRunRequestedV1 run) {
        publish(run);
        return run.batchId();
    }
}
