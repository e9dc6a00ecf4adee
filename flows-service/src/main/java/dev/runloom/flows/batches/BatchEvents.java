package dev.runloom.flows.batches;

import dev.runloom.kernel.events.OutgoingEvent;
import dev.runloom.kernel.events.Topics;
import dev.runloom.flows.events.BatchCompletedV1;
import dev.runloom.flows.events.BatchStartedV1;
import dev.runloom.kernel.events.EventTypes;

/** The batch lifecycle events (topic runloom.flows.batches.v1, key = batch id). */
final class BatchEvents {
    private BatchEvents() {
    }

    static OutgoingEvent started(Batch b, String flowName) {
        return new OutgoingEvent(Topics.FLOW_BATCHES, b.id(), EventTypes.BATCH_STARTED, b.id(), b.organizationId(),
                new BatchStartedV1(b.id(), b.organizationId(), b.flowId(), flowName, b.recordType(), b.totalRecords(),
                        b.executedImmediately(), b.scheduleRunId(), b.startedAt()));
    }

    static OutgoingEvent completed(Batch b) {
        return new OutgoingEvent(Topics.FLOW_BATCHES, b.id(), EventTypes.BATCH_COMPLETED, b.id(), b.organizationId(),
                new BatchCompletedV1(b.id(), b.organizationId(), b.flowId(), b.recordType(), b.totalRecords(),
                        b.successCount(), b.failedRecords(), b.status(), b.error(), b.scheduleRunId(), b.startedAt(),
                        b.completedAt(), b.totalCost()));
    }

    static OutgoingEvent work(BatchRecordWork work) {
        return new OutgoingEvent(Topics.FLOW_BATCH_WORK, work.record().id(), EventTypes.BATCH_RECORD_WORK,
                work.batchId(), work.organizationId(), work);
    }
}
