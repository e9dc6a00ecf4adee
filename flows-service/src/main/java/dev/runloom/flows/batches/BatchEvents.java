package dev.runloom.flows.batches;

import dev.runloom.flows.events.BatchCompletedV1;
import dev.runloom.flows.events.BatchStartedV1;
import dev.runloom.flows.events.FlowEvents;
import dev.runloom.kernel.events.CloudEventCodec;
import dev.runloom.kernel.events.OutgoingEvent;

/**
 * The events of a batch's life: started and completed on the batches stream (key and subject =
 * batch id), and its work items on the internal batch-work stream (key = record id, subject = batch id).
 * A schedule run's batch events carry its id in the {@code runloomschedulerun} extension as well, so
 * schedules-service skips every other batch's events without decoding them.
 */
final class BatchEvents {
    private BatchEvents() {
    }

    static OutgoingEvent started(Batch b, String flowName) {
        return OutgoingEvent.of(FlowEvents.BATCH_STARTED, b.id(), b.id(), b.organizationId(),
                new BatchStartedV1(b.id(), b.organizationId(), b.flowId(), flowName, b.recordType(), b.totalRecords(),
                        b.executedImmediately(), b.scheduleRunId(), b.startedAt()))
                .withExtension(CloudEventCodec.SCHEDULE_RUN_EXTENSION, b.scheduleRunId());
    }

    static OutgoingEvent completed(Batch b) {
        return OutgoingEvent.of(FlowEvents.BATCH_COMPLETED, b.id(), b.id(), b.organizationId(),
                new BatchCompletedV1(b.id(), b.organizationId(), b.flowId(), b.recordType(), b.totalRecords(),
                        b.successCount(), b.failedRecords(), b.status(), b.error(), b.scheduleRunId(), b.startedAt(),
                        b.completedAt(), b.totalCost()))
                .withExtension(CloudEventCodec.SCHEDULE_RUN_EXTENSION, b.scheduleRunId());
    }

    static OutgoingEvent work(BatchRecordWork work) {
        return OutgoingEvent.of(BatchWorkEvents.BATCH_RECORD_WORK, work.record().id(), work.batchId(),
                work.organizationId(), work);
    }
}
