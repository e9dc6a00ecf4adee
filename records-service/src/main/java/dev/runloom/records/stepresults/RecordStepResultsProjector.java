package dev.runloom.records.stepresults;

import dev.runloom.flows.events.RecordExecutionCompletedV1;
import dev.runloom.flows.events.StepResultV1;
import dev.runloom.kernel.consumer.Received;
import jakarta.inject.Singleton;

import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds {@code record_step_results} from {@code RecordExecutionCompletedV1.steps}, a poll's worth
 * of events per statement inside the inbox transaction. It runs within the record results'
 * subscription ({@link dev.runloom.records.results.RecordResultsProjector}): one consumer reads the
 * executions topic once, and an unreadable event is dead-lettered once. Events from producers older
 * than {@code steps} carry none and add nothing.
 */
@Singleton
public class RecordStepResultsProjector {
    private final RecordStepResultRepository steps;

    public RecordStepResultsProjector(RecordStepResultRepository steps) {
        this.steps = steps;
    }

    public void project(List<Received<RecordExecutionCompletedV1>> events) {
        List<RecordStepResult> rows = new ArrayList<>();
        for (Received<RecordExecutionCompletedV1> event : events) {
            rows.addAll(toRows(event.id(), event.payload()));
        }
        steps.insertAll(rows);
    }

    /** @throws IllegalArgumentException for an event that lacks what a step result needs (it is dead-lettered) */
    static List<RecordStepResult> toRows(String eventId, RecordExecutionCompletedV1 e) {
        if (e.steps() == null || e.steps().isEmpty()) {
            return List.of();
        }
        require(e.organizationId(), "organizationId", eventId);
        require(e.executionId(), "executionId", eventId);
        require(e.flowId(), "flowId", eventId);
        require(e.record(), "record", eventId);
        require(e.record().id(), "record.id", eventId);
        List<RecordStepResult> rows = new ArrayList<>(e.steps().size());
        for (StepResultV1 s : e.steps()) {
            require(s, "steps[]", eventId);
            require(s.stepResultId(), "steps[].stepResultId", eventId);
            require(s.stepId(), "steps[].stepId", eventId);
            require(s.stepType(), "steps[].stepType", eventId);
            require(s.stepName(), "steps[].stepName", eventId);
            require(s.status(), "steps[].status", eventId);
            require(s.startedAt(), "steps[].startedAt", eventId);
            require(s.completedAt(), "steps[].completedAt", eventId);
            rows.add(new RecordStepResult(s.stepResultId(), e.organizationId(), e.userId(), e.record().id(),
                    e.record().name(), e.executionId(), e.batchId(), e.flowId(), e.flowVersionId(), s.stepId(),
                    s.stepType(), s.stepName(), s.order(), s.status(), s.startedAt().truncatedTo(ChronoUnit.MICROS),
                    s.completedAt().truncatedTo(ChronoUnit.MICROS), s.durationMs(), s.outputPreview(), s.modelUsed(),
                    s.promptTokens(), s.completionTokens(), s.totalTokens(), s.estimatedCost(), s.errorMessage(),
                    s.retryCount(), s.completedAt().truncatedTo(ChronoUnit.MICROS)));
        }
        return rows;
    }

    private static void require(Object value, String field, String eventId) {
        if (value == null) {
            throw new IllegalArgumentException("event " + eventId + " has no " + field);
        }
    }
}
