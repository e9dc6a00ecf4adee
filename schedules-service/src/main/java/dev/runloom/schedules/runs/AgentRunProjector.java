package dev.runloom.schedules.runs;

import dev.runloom.agents.events.AgentEvents;
import dev.runloom.agents.events.AgentExecutionCompletedV1;
import dev.runloom.kernel.consumer.EventSubscriber;
import dev.runloom.kernel.consumer.Received;
import dev.runloom.kernel.consumer.Subscription;
import dev.runloom.kernel.events.CloudEventCodec;
import jakarta.inject.Singleton;

import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * Projects agents-service's finished executions onto the schedule runs that started them (events
 * with a {@code scheduleRunId}): the run ends {@code completed} or {@code failed} and keeps the
 * execution's tokens and cost. Executions no schedule started, and runs this service does not know
 * (a deleted schedule's), change nothing. A redelivered event writes the same values again. Runs
 * inside the inbox transaction; a poll's events are one JDBC batch.
 */
@Singleton
public class AgentRunProjector implements EventSubscriber {
    private final ScheduleRunRepository runs;

    public AgentRunProjector(ScheduleRunRepository runs) {
        this.runs = runs;
    }

    @Override
    public Subscription subscription() {
        return Subscription.consumer("schedules-service.agent-executions")
                .onlyWithExtension(CloudEventCodec.SCHEDULE_RUN_EXTENSION) // the other events are skipped undecoded
                .on(AgentEvents.EXECUTION_COMPLETED, this::completed)
                .build();
    }

    void completed(List<Received<AgentExecutionCompletedV1>> events) {
        List<ScheduleRunRepository.AgentFinished> finished = new ArrayList<>();
        for (Received<AgentExecutionCompletedV1> event : events) {
            AgentExecutionCompletedV1 execution = event.payload();
            if (execution.scheduleRunId() == null) {
                continue;
            }
            String status = RunStatus.ofFinishedAgentExecution(execution.status());
            String error = RunStatus.FAILED.equals(status)
                    ? "agent execution " + execution.status() + " (" + execution.stopReason() + ")" : null;
            finished.add(new ScheduleRunRepository.AgentFinished(execution.scheduleRunId(), execution.organizationId(),
                    execution.executionId(), status, error, execution.totalTokens(), execution.totalCost(),
                    execution.startedAt().truncatedTo(ChronoUnit.MILLIS),
                    execution.completedAt().truncatedTo(ChronoUnit.MILLIS)));
        }
        runs.applyAgentFinished(finished);
    }
}
