package dev.runloom.flows.batches;

import dev.runloom.kernel.events.Topics;
import dev.runloom.kernel.inbox.Inbox;
import io.micronaut.configuration.kafka.annotation.KafkaListener;
import io.micronaut.configuration.kafka.annotation.OffsetReset;
import io.micronaut.configuration.kafka.annotation.OffsetStrategy;
import io.micronaut.configuration.kafka.annotation.Topic;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;

import java.util.List;

/** Consumes fanned-out batch work items; every replica joins the group, so work spreads by partition. */
@KafkaListener(groupId = "${runloom.kafka.topic-prefix:}" + BatchWorkListener.CONSUMER, batch = true,
        offsetReset = OffsetReset.EARLIEST, offsetStrategy = OffsetStrategy.DISABLED,
        threadsValue = "${runloom.flows.batch-work-threads:2}")
public class BatchWorkListener {
    static final String CONSUMER = "flows-service.batch-work";

    private final Inbox inbox;
    private final BatchWorker worker;

    public BatchWorkListener(Inbox inbox, BatchWorker worker) {
        this.inbox = inbox;
        this.worker = worker;
    }

    @Topic("${runloom.kafka.topic-prefix:}" + Topics.FLOW_BATCH_WORK)
    void receive(List<ConsumerRecord<String, byte[]>> records, Consumer<?, ?> kafkaConsumer) {
        inbox.consume(CONSUMER, records, kafkaConsumer, worker);
    }
}
