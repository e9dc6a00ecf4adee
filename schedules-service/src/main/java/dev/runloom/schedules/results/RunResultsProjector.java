package dev.runloom.schedules.results;

import dev.runloom.flows.events.FlowEvents;
import dev.runloom.flows.events.RecordExecutionCompletedV1;
import dev.runloom.flows.events.RecordRefV1;
import dev.runloom.kernel.consumer.EventSubscriber;
import dev.runloom.kernel.consumer.Received;
import dev.runloom.kernel.consumer.Subscription;
import dev.runloom.kernel.events.CloudEventCodec;
import jakarta.inject.Singleton;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * One run result per finished record execution that belongs to a schedule run
 * ({@code scheduleRunId} set). A result may arrive before its batch's started event (two topics,
 * no order between them): it is stored all the same, since the run itself exists from the fire.
 * Runs inside the inbox transaction: a poll's worth of events in one multi-row insert.
 */
@Singleton
public class RunResultsProjector implements EventSubscriber {
    private final RunResultRepository results;

    public RunResultsProjector(RunResultRepository results) {
        this.results = results;
    }

    @Override
    public Subscription subscription() {
        return Subscription.consumer("schedules-service.flow-executions")
                .onlyWithExtension(CloudEventCodec.SCHEDULE_RUN_EXTENSION) // the other events are skipped undecoded
                .on(FlowEvents.RECORD_EXECUTION_COMPLETED, this::project)
                .build();
    }

    void project(List<Received<RecordExecutionCompletedV1>> events) {
        List<RunResult> rows = new ArrayList<>();
        for (Received<RecordExecutionCompletedV1> event : events) {
            RecordExecutionCompletedV1 execution = event.payload();
            if (execution.scheduleRunId() != null) {
                rows.add(toResult(execution));
            }
        }
        results.insertAll(rows);
    }

    static RunResult toResult(RecordExecutionCompletedV1 e) {
        Instant completedAt = e.completedAt().truncatedTo(ChronoUnit.MILLIS);
        String lastResultId = e.results() == null || e.results().isEmpty()
                ? null : e.results().get(e.results().size() - 1).resultId();
        RecordRefV1 record = e.record();
        return new RunResult(e.scheduleRunId(), e.executionId(), e.organizationId(), record.id(), record.name(),
                record.type(), lastResultId, e.flowId(), e.flowName(), null,
                e.success() ? RunResult.SUCCESS : RunResult.FAILED, e.error(), completedAt,
                e.success() ? null : completedAt, e.startedAt().truncatedTo(ChronoUnit.MILLIS));
    }
}
