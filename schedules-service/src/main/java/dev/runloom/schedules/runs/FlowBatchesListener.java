package dev.runloom.schedules.runs;

import dev.runloom.kernel.events.Topics;
import dev.runloom.kernel.inbox.Inbox;
import io.micronaut.configuration.kafka.annotation.KafkaListener;
import io.micronaut.configuration.kafka.annotation.OffsetReset;
import io.micronaut.configuration.kafka.annotation.OffsetStrategy;
import io.micronaut.configuration.kafka.annotation.Topic;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;

import java.util.List;

/** Batch lifecycle events from flows-service → schedule run status and counts. */
@KafkaListener(groupId = "${runloom.kafka.topic-prefix:}" + FlowBatchesListener.CONSUMER, batch = true,
        offsetReset = OffsetReset.EARLIEST, offsetStrategy = OffsetStrategy.DISABLED)
public class FlowBatchesListener {
    static final String CONSUMER = "schedules-service.flow-batches";

    private final Inbox inbox;
    private final RunProgressProjector projector;

    public FlowBatchesListener(Inbox inbox, RunProgressProjector projector) {
        this.inbox = inbox;
        this.projector = projector;
    }

    @Topic("${runloom.kafka.topic-prefix:}" + Topics.FLOW_BATCHES)
    void receive(List<ConsumerRecord<String, byte[]>> records, Consumer<?, ?> kafkaConsumer) {
        inbox.consume(CONSUMER, records, kafkaConsumer, projector::project);
    }
}
