package dev.runloom.flows.batches;

import dev.runloom.kernel.events.OutgoingEvent;
import dev.runloom.kernel.outbox.Outbox;
import dev.runloom.flows.engine.ExecutionOutcome;
import dev.runloom.flows.engine.ExecutionRecorder;
import dev.runloom.flows.flows.FlowRepository;
import io.micronaut.transaction.annotation.Transactional;
import jakarta.inject.Singleton;

import java.util.ArrayList;
import java.util.List;

/** The state changes of a batch's lifecycle, each in one transaction with the events announcing it. */
@Singleton
public class BatchStore {
    private final BatchRepository batches;
    private final ExecutionRecorder executions;
    private final FlowRepository flows;
    private final Outbox outbox;

    public BatchStore(BatchRepository batches, ExecutionRecorder executions, FlowRepository flows, Outbox outbox) {
        this.batches = batches;
        this.executions = executions;
        this.flows = flows;
        this.outbox = outbox;
    }

    /** A batch that already ran in the request: the batch, its executions and all their events at once. */
    @Transactional
    public void saveFinished(Batch batch, String flowName, List<ExecutionOutcome> outcomes) {
        batches.insert(batch);
        executions.record(outcomes);
        outbox.appendAll(List.of(BatchEvents.started(batch, flowName), BatchEvents.completed(batch)));
        flows.markRun(batch.organizationId(), batch.flowId(), batch.startedAt());
    }

    /**
     * A batch to fan out: the batch row, its started event and one work item per record, appended
     * in one JDBC batch (ten thousand records are one transaction, not ten thousand). A batch
     * without records is finished at once.
     */
    @Transactional
    public void saveQueued(Batch batch, String flowName, List<BatchRecordWork> work) {
        batches.insert(batch);
        List<OutgoingEvent> events = new ArrayList<>(work.size() + 2);
        events.add(BatchEvents.started(batch, flowName));
        work.forEach(item -> events.add(BatchEvents.work(item)));
        if (batch.completedAt() != null) {
            events.add(BatchEvents.completed(batch));
        }
        outbox.appendAll(events);
        flows.markRun(batch.organizationId(), batch.flowId(), batch.startedAt());
    }

    /** A batch that could not start (unknown flow …): recorded as failed, and its end announced. */
    @Transactional
    public void saveFailedToStart(Batch batch) {
        batches.insert(batch);
        outbox.append(BatchEvents.completed(batch));
    }
}
