package dev.runloom.flows.execution;

import dev.runloom.flows.costs.FlowCostBooking;
import dev.runloom.flows.engine.FlowExecutionOutcome;
import dev.runloom.flows.events.FlowEvents;
import dev.runloom.flows.events.RecordExecutionCompletedV1;
import dev.runloom.flows.events.StepResultV1;
import dev.runloom.flows.events.RecordRefV1;
import dev.runloom.flows.stepresults.StepResult;
import dev.runloom.flows.stepresults.StepResultRepository;
import dev.runloom.kernel.events.CloudEventCodec;
import dev.runloom.kernel.events.OutgoingEvent;
import dev.runloom.kernel.outbox.Outbox;
import jakarta.inject.Singleton;

import java.util.List;

/**
 * Persists finished executions a poll's worth at a time: the execution rows, their step results, one
 * {@code RecordExecutionCompletedV1} per execution in the outbox and their costs in the ledger — four
 * statements however many executions, all in the caller's transaction (an inline batch's, or the
 * inbox's for batch work).
 */
@Singleton
public class FlowExecutionRecorder {
    private final FlowExecutionRepository executions;
    private final StepResultRepository stepResults;
    private final Outbox outbox;
    private final FlowCostBooking costs;

    public FlowExecutionRecorder(FlowExecutionRepository executions, StepResultRepository stepResults, Outbox outbox,
                                 FlowCostBooking costs) {
        this.costs = costs;
        this.executions = executions;
        this.stepResults = stepResults;
        this.outbox = outbox;
    }

    public void record(List<FlowExecutionOutcome> outcomes) {
        if (outcomes.isEmpty()) {
            return;
        }
        executions.insertAll(outcomes.stream().map(FlowExecution::of).toList());
        stepResults.insertAll(outcomes.stream().flatMap(o -> o.stepResults().stream()).toList());
        outbox.appendAll(outcomes.stream().map(FlowExecutionRecorder::completedEvent).toList());
        costs.book(outcomes);
    }

    /**
     * Executions that ran for no record (an agent's flow tool): their rows and step results, without the
     * completion event, whose consumers file results under the record.
     */
    public void recordUnannounced(List<FlowExecutionOutcome> outcomes) {
        if (outcomes.isEmpty()) {
            return;
        }
        executions.insertAll(outcomes.stream().map(FlowExecution::of).toList());
        stepResults.insertAll(outcomes.stream().flatMap(o -> o.stepResults().stream()).toList());
    }

    /**
     * Keyed by record (its executions stay in order), about the execution; a schedule run's also
     * carries the run id in the {@code runloomschedulerun} extension (schedules-service reads only those).
     */
    static OutgoingEvent completedEvent(FlowExecutionOutcome o) {
        RecordExecutionCompletedV1 payload = new RecordExecutionCompletedV1(o.executionId(), o.scope().organizationId(),
                o.scope().userId(), o.flowId(), o.flowName(), o.flowVersionId(), o.scope().batchId(),
                o.scope().scheduleRunId(), new RecordRefV1(o.record().id(), o.record().name(), o.record().type()),
                o.status(), o.success(), o.error(), o.startedAt(), o.completedAt(), o.durationMs(), o.contextSteps(),
                o.promptsExecuted(), o.totalTokens(), o.totalCost(), o.results(),
                o.stepResults().stream().map(FlowExecutionRecorder::step).toList());
        return OutgoingEvent.of(FlowEvents.RECORD_EXECUTION_COMPLETED, o.record().id(), o.executionId(),
                o.scope().organizationId(), payload)
                .withExtension(CloudEventCodec.SCHEDULE_RUN_EXTENSION, o.scope().scheduleRunId());
    }

    /** A step result as the event carries it (records-service projects it as the record's step results). */
    static StepResultV1 step(StepResult r) {
        return new StepResultV1(r.id(), r.stepId(), r.stepName(), r.stepType(), r.stepOrder(), r.status(), r.startedAt(),
                r.completedAt(), r.durationMs(), r.outputPreview(), r.modelUsed(), r.promptTokens(), r.completionTokens(),
                r.totalTokens(), r.estimatedCost(), r.errorMessage(), r.retryCount());
    }
}
