package dev.runloom.records.results;

import dev.runloom.flows.events.FlowEvents;
import dev.runloom.flows.events.RecordExecutionCompletedV1;
import dev.runloom.flows.events.RecordExecutionCompletedV1.PromptResultV1;
import dev.runloom.kernel.consumer.EventSubscriber;
import dev.runloom.kernel.consumer.Received;
import dev.runloom.kernel.consumer.Subscription;
import dev.runloom.records.stepresults.RecordStepResultsProjector;
import io.micronaut.context.annotation.Value;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.math.BigDecimal;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds {@code record_results} from {@code RecordExecutionCompletedV1}: one row per entry of
 * {@code results}. Runs inside the inbox transaction with a poll's worth of events and writes them
 * with one statement — and the same events' step results ({@link RecordStepResultsProjector}).
 * Results of records this service does not know (deleted, or never seen) are
 * kept: they are history, and the record may simply not have reached us yet.
 */
@Singleton
public class RecordResultsProjector implements EventSubscriber {
    private static final Logger LOG = LoggerFactory.getLogger(RecordResultsProjector.class);

    private final RecordResultRepository results;
    private final RecordStepResultsProjector steps;
    private final int threads;

    /**
     * @param threads consumer threads (each owns some partitions, so one record's results stay in
     *                order): a second thread keeps the projection up with flows-service's batch work,
     *                whose threads it would otherwise trail, one poll's commit at a time
     */
    public RecordResultsProjector(RecordResultRepository results, RecordStepResultsProjector steps,
                                  @Value("${runloom.records.projection-threads:2}") int threads) {
        this.results = results;
        this.steps = steps;
        this.threads = threads;
    }

    @Override
    public Subscription subscription() {
        return Subscription.consumer("records-service.flow-results")
                .threads(threads)
                .on(FlowEvents.RECORD_EXECUTION_COMPLETED, this::project)
                .build();
    }

    /** @throws IllegalArgumentException for an event that lacks what a result needs (it is dead-lettered) */
    void project(List<Received<RecordExecutionCompletedV1>> events) {
        List<RecordResult> rows = new ArrayList<>();
        for (Received<RecordExecutionCompletedV1> event : events) {
            rows.addAll(toRows(event.id(), event.payload()));
        }
        int inserted = results.insertAll(rows);
        steps.project(events);
        if (inserted < rows.size()) {
            LOG.debug("{} of {} record results were already stored", rows.size() - inserted, rows.size());
        }
    }

    static List<RecordResult> toRows(String eventId, RecordExecutionCompletedV1 execution) {
        require(execution.organizationId(), "organizationId", eventId);
        require(execution.executionId(), "executionId", eventId);
        require(execution.flowId(), "flowId", eventId);
        require(execution.completedAt(), "completedAt", eventId);
        require(execution.record(), "record", eventId);
        require(execution.record().id(), "record.id", eventId);
        if (execution.results() == null) {
            return List.of();
        }
        List<RecordResult> rows = new ArrayList<>(execution.results().size());
        for (PromptResultV1 entry : execution.results()) {
            require(entry, "results[]", eventId);
            require(entry.resultId(), "results[].resultId", eventId);
            require(entry.status(), "results[].status", eventId);
            rows.add(new RecordResult(entry.resultId(), execution.organizationId(), execution.record().id(),
                    execution.executionId(), execution.batchId(), execution.scheduleRunId(), execution.flowId(),
                    execution.flowName(), entry.promptId(), entry.promptName(), entry.status(), entry.result(),
                    entry.model(), entry.promptTokens(), entry.completionTokens(),
                    entry.cost() == null ? BigDecimal.ZERO : entry.cost(),
                    execution.completedAt().truncatedTo(ChronoUnit.MILLIS)));
        }
        return rows;
    }

    private static void require(Object value, String field, String eventId) {
        if (value == null) {
            throw new IllegalArgumentException("event " + eventId + " has no " + field);
        }
    }
}
