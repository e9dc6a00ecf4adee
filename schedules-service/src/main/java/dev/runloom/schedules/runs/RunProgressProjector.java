package dev.runloom.schedules.runs;

import dev.runloom.flows.events.BatchCompletedV1;
import dev.runloom.flows.events.BatchStartedV1;
import dev.runloom.kernel.events.EventTypes;
import dev.runloom.kernel.inbox.IncomingEvent;
import io.micronaut.json.JsonMapper;
import jakarta.inject.Singleton;

import java.sql.SQLException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * Projects flows-service's batch lifecycle onto schedule runs: a started batch makes its run
 * {@code running}, a completed one sets the final status, counts and error. Only batches that
 * carry a {@code scheduleRunId} concern us; ids of runs this service does not know are ignored.
 * Both updates are written so that either order of arrival ends in the same state.
 */
@Singleton
public class RunProgressProjector {
    private final JsonMapper json;
    private final ScheduleRunRepository runs;

    public RunProgressProjector(JsonMapper json, ScheduleRunRepository runs) {
        this.json = json;
        this.runs = runs;
    }

    /** Runs inside the inbox transaction: one batched UPDATE per event type for a poll's worth of events. */
    public void project(List<IncomingEvent> events) throws SQLException {
        List<ScheduleRunRepository.BatchStarted> started = new ArrayList<>();
        List<ScheduleRunRepository.BatchFinished> finished = new ArrayList<>();
        for (IncomingEvent event : events) {
            switch (event.type()) {
                case EventTypes.BATCH_STARTED -> {
                    BatchStartedV1 batch = event.payload(json, BatchStartedV1.class);
                    if (batch.scheduleRunId() != null) {
                        started.add(new ScheduleRunRepository.BatchStarted(batch.scheduleRunId(), batch.organizationId(),
                                batch.batchId(), batch.recordCount(), batch.startedAt().truncatedTo(ChronoUnit.MILLIS)));
                    }
                }
                case EventTypes.BATCH_COMPLETED -> {
                    BatchCompletedV1 batch = event.payload(json, BatchCompletedV1.class);
                    if (batch.scheduleRunId() != null) {
                        finished.add(new ScheduleRunRepository.BatchFinished(batch.scheduleRunId(),
                                batch.organizationId(), batch.batchId(), RunStatus.ofFinishedBatch(batch.status()),
                                batch.recordCount(), batch.successCount() + batch.failureCount(), batch.failureCount(),
                                batch.error(), batch.startedAt().truncatedTo(ChronoUnit.MILLIS),
                                batch.completedAt().truncatedTo(ChronoUnit.MILLIS)));
                    }
                }
                default -> {
                    // other batch events are not about runs
                }
            }
        }
        runs.applyStarted(started);
        runs.applyFinished(finished);
    }
}
