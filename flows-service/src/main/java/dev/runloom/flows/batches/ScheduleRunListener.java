package dev.runloom.flows.batches;

import dev.runloom.common.events.Topics;
import dev.runloom.common.events.contracts.EventTypes;
import dev.runloom.common.events.contracts.ScheduleRunRequestedV1;
import dev.runloom.common.inbox.Inbox;
import dev.runloom.common.inbox.IncomingEvent;
import dev.runloom.flows.records.RecordsUnavailableException;
import io.micronaut.configuration.kafka.annotation.KafkaListener;
import io.micronaut.configuration.kafka.annotation.OffsetReset;
import io.micronaut.configuration.kafka.annotation.OffsetStrategy;
import io.micronaut.configuration.kafka.annotation.Topic;
import io.micronaut.json.JsonMapper;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;

import java.util.List;

/**
 * Starts a batch for every schedule run that targets a flow (agent targets belong to agents-service).
 */
@KafkaListener(groupId = "${runloom.kafka.topic-prefix:}" + ScheduleRunListener.CONSUMER, batch = true,
        offsetReset = OffsetReset.EARLIEST, offsetStrategy = OffsetStrategy.DISABLED)
public class ScheduleRunListener {
    static final String CONSUMER = "flows-service.schedule-runs";

    private final Inbox inbox;
    private final BatchService batches;
    private final JsonMapper json;

    public ScheduleRunListener(Inbox inbox, BatchService batches, JsonMapper json) {
        this.inbox = inbox;
        this.batches = batches;
        this.json = json;
    }

    @Topic("${runloom.kafka.topic-prefix:}" + Topics.SCHEDULE_RUNS)
    void receive(List<ConsumerRecord<String, byte[]>> records, Consumer<?, ?> kafkaConsumer) {
        inbox.consume(CONSUMER, records, kafkaConsumer, this::handle);
    }

    void handle(List<IncomingEvent> events) {
        for (IncomingEvent event : events) {
            if (!EventTypes.SCHEDULE_RUN_REQUESTED.equals(event.type())) {
                continue;
            }
            ScheduleRunRequestedV1 run = event.payload(json, ScheduleRunRequestedV1.class);
            if (run.flowId() == null) {
                continue;
            }
            try {
                batches.startForScheduleRun(run);
            } catch (RecordsUnavailableException e) {
                // records-service is down: not the event's fault, so read this batch again later
                throw new Inbox.TransientFailure(e);
            }
        }
    }
}
