package dev.runloom.flows.batches;

import dev.runloom.kernel.events.Topics;
import dev.runloom.kernel.events.EventTypes;
import dev.runloom.schedules.events.ScheduleRunRequestedV1;
import dev.runloom.kernel.inbox.Inbox;
import dev.runloom.kernel.inbox.IncomingEvent;
import dev.runloom.kernel.inbox.PreparingHandler;
import dev.runloom.flows.records.RecordsUnavailableException;
import io.micronaut.configuration.kafka.annotation.KafkaListener;
import io.micronaut.configuration.kafka.annotation.OffsetReset;
import io.micronaut.configuration.kafka.annotation.OffsetStrategy;
import io.micronaut.configuration.kafka.annotation.Topic;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.json.JsonMapper;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;

import java.util.List;
import java.util.Objects;

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
        inbox.consume(CONSUMER, records, kafkaConsumer, new PreparingHandler<Planned>() {
            @Override
            public @Nullable Planned prepare(IncomingEvent event) {
                return plan(event);
            }

            @Override
            public void apply(List<Prepared<Planned>> prepared) {
                prepared.stream().map(Prepared::result).filter(Objects::nonNull)
                        .forEach(p -> batches.startScheduleRun(p.run(), p.plan()));
            }
        });
    }

    /** Outside the transaction: reads the flow and, over HTTP, the records ({@code null}: not for flows). */
    @Nullable Planned plan(IncomingEvent event) {
        if (!EventTypes.SCHEDULE_RUN_REQUESTED.equals(event.type())) {
            return null;
        }
        ScheduleRunRequestedV1 run = event.payload(json, ScheduleRunRequestedV1.class);
        if (run.flowId() == null) {
            return null;
        }
        try {
            return new Planned(run, batches.planScheduleRun(run));
        } catch (RecordsUnavailableException e) {
            // records-service is down: not the event's fault, so read this batch again later
            throw new Inbox.TransientFailure(e);
        }
    }

    record Planned(ScheduleRunRequestedV1 run, ScheduleRunPlan plan) {
    }
}
