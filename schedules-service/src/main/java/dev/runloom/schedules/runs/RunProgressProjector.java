package dev.runloom.schedules.runs;

import dev.runloom.flows.events.BatchCompletedV1;
import dev.runloom.flows.events.BatchStartedV1;
import dev.runloom.flows.events.FlowEvents;
import dev.runloom.kernel.consumer.EventSubscriber;
import dev.runloom.kernel.consumer.Received;
import dev.runloom.kernel.consumer.Subscription;
import dev.runloom.kernel.events.CloudEventCodec;
import jakarta.inject.Singleton;

import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * Projects flows-service's batch lifecycle onto schedule runs: a started batch makes its run
 * {@code running}, a completed one sets the final status, counts and error. Only batches that
 * carry a {@code scheduleRunId} concern us; ids of runs this service does not know are ignored.
 * Both updates are written so that either order of arrival ends in the same state. Handlers run
 * inside the inbox transaction; the kernel hands each run of consecutive events of one type to one
 * call, which writes them with one JDBC batch.
 */
@Singleton
public class RunProgressProjector implements EventSubscriber {
    private final ScheduleRunRepository runs;

    public RunProgressProjector(ScheduleRunRepository runs) {
        this.runs = runs;
    }

    @Override
    public Subscription subscription() {
        return Subscription.consumer("schedules-service.flow-batches")
                .onlyWithExtension(CloudEventCodec.SCHEDULE_RUN_EXTENSION) // the other events are skipped undecoded
                .on(FlowEvents.BATCH_STARTED, this::started)
                .on(FlowEvents.BATCH_COMPLETED, this::completed)
                .build();
    }

    void started(List<Received<BatchStartedV1>> events) {
        List<ScheduleRunRepository.BatchStarted> started = new ArrayList<>();
        for (Received<BatchStartedV1> event : events) {
            BatchStartedV1 batch = event.payload();
            if (batch.scheduleRunId() != null) {
                started.add(new ScheduleRunRepository.BatchStarted(batch.scheduleRunId(), batch.organizationId(),
                        batch.batchId(), batch.recordCount(), batch.startedAt().truncatedTo(ChronoUnit.MILLIS)));
            }
        }
        runs.applyStarted(started);
    }

    void completed(List<Received<BatchCompletedV1>> events) {
        List<ScheduleRunRepository.BatchFinished> finished = new ArrayList<>();
        for (Received<BatchCompletedV1> event : events) {
            BatchCompletedV1 batch = event.payload();
            if (batch.scheduleRunId() != null) {
                finished.add(new ScheduleRunRepository.BatchFinished(batch.scheduleRunId(), batch.organizationId(),
                        batch.batchId(), RunStatus.ofFinishedBatch(batch.status()), batch.recordCount(),
                        batch.successCount() + batch.failureCount(), batch.failureCount(), batch.error(),
                        batch.startedAt().truncatedTo(ChronoUnit.MILLIS),
                        batch.completedAt().truncatedTo(ChronoUnit.MILLIS)));
            }
        }
        runs.applyFinished(finished);
    }
}
