package dev.runloom.records.results;

import dev.runloom.kernel.events.Topics;
import dev.runloom.kernel.inbox.Inbox;
import io.micronaut.configuration.kafka.annotation.KafkaListener;
import io.micronaut.configuration.kafka.annotation.OffsetReset;
import io.micronaut.configuration.kafka.annotation.OffsetStrategy;
import io.micronaut.configuration.kafka.annotation.Topic;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;

import java.util.List;

/** Feeds finished flow executions into the record results projection, a poll at a time. */
@KafkaListener(groupId = "${runloom.kafka.topic-prefix:}" + FlowResultsListener.CONSUMER, batch = true,
        offsetReset = OffsetReset.EARLIEST, offsetStrategy = OffsetStrategy.DISABLED)
public class FlowResultsListener {
    static final String CONSUMER = "records-service.flow-results";

    private final Inbox inbox;
    private final RecordResultsProjector projector;

    public FlowResultsListener(Inbox inbox, RecordResultsProjector projector) {
        this.inbox = inbox;
        this.projector = projector;
    }

    @Topic("${runloom.kafka.topic-prefix:}" + Topics.FLOW_EXECUTIONS)
    void receive(List<ConsumerRecord<String, byte[]>> records, Consumer<?, ?> kafkaConsumer) {
        inbox.consume(CONSUMER, records, kafkaConsumer, projector::project);
    }
}
