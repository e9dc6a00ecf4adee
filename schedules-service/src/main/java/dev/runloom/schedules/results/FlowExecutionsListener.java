package dev.runloom.schedules.results;

import dev.runloom.kernel.events.Topics;
import dev.runloom.kernel.inbox.Inbox;
import io.micronaut.configuration.kafka.annotation.KafkaListener;
import io.micronaut.configuration.kafka.annotation.OffsetReset;
import io.micronaut.configuration.kafka.annotation.OffsetStrategy;
import io.micronaut.configuration.kafka.annotation.Topic;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;

import java.util.List;

/** Finished record executions from flows-service → per-record results of schedule runs. */
@KafkaListener(groupId = "${runloom.kafka.topic-prefix:}" + FlowExecutionsListener.CONSUMER, batch = true,
        offsetReset = OffsetReset.EARLIEST, offsetStrategy = OffsetStrategy.DISABLED)
public class FlowExecutionsListener {
    static final String CONSUMER = "schedules-service.flow-executions";

    private final Inbox inbox;
    private final RunResultsProjector projector;

    public FlowExecutionsListener(Inbox inbox, RunResultsProjector projector) {
        this.inbox = inbox;
        this.projector = projector;
    }

    @Topic("${runloom.kafka.topic-prefix:}" + Topics.FLOW_EXECUTIONS)
    void receive(List<ConsumerRecord<String, byte[]>> records, Consumer<?, ?> kafkaConsumer) {
        inbox.consume(CONSUMER, records, kafkaConsumer, projector::project);
    }
}
