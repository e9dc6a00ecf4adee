package dev.runloom.agents.scheduleruns;

import dev.runloom.agents.agent.Agent;
import dev.runloom.agents.agent.AgentService;
import dev.runloom.agents.loop.AgentExecutionRecorder;
import dev.runloom.agents.loop.AgentExecutor;
import dev.runloom.agents.loop.SurfaceTypes;
import dev.runloom.common.id.Ids;
import dev.runloom.kernel.consumer.EventSubscriber;
import dev.runloom.kernel.consumer.Received;
import dev.runloom.kernel.consumer.Subscription;
import dev.runloom.kernel.consumer.Subscription.Prepared;
import dev.runloom.models.ChatMessage;
import dev.runloom.schedules.events.ScheduleEvents;
import dev.runloom.schedules.events.ScheduleRunRequestedV1;
import io.micronaut.core.annotation.Nullable;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Optional;

/**
 * Runs the agent of every schedule run that targets one ({@code agentId}; flow targets belong to
 * flows-service). The loop, with its model calls, runs in the prepare phase outside any transaction,
 * exactly as {@code POST /v1/agents/:id/execute} runs it; the execution (surface {@code schedule}),
 * its iterations and its {@code AgentExecutionCompletedV1} carrying the run id are then written in
 * the inbox transaction. The execution's id is the one schedules-service minted, so a second request
 * for it (a redelivery under another event id) does nothing. A request that cannot run (no such
 * agent in the organization, no usable messages) or that is dead-lettered still publishes a
 * {@code failed} completion, so the schedule run ends instead of waiting for it.
 */
@Singleton
public class ScheduledAgentRunner implements EventSubscriber {
    private static final Logger LOG = LoggerFactory.getLogger(ScheduledAgentRunner.class);

    private final AgentService agents;
    private final AgentExecutor executor;
    private final AgentExecutionRecorder recorder;

    public ScheduledAgentRunner(AgentService agents, AgentExecutor executor, AgentExecutionRecorder recorder) {
        this.agents = agents;
        this.executor = executor;
        this.recorder = recorder;
    }

    @Override
    public Subscription subscription() {
        return Subscription.consumer("agents-service.schedule-runs")
                .prepareThenApply(ScheduleEvents.RUN_REQUESTED, this::run, this::record)
                .onDeadLetter(ScheduleEvents.RUN_REQUESTED, this::failDeadLettered)
                .build();
    }

    /** Outside any transaction: runs the agent ({@code null}: not an agent's run, or already recorded). */
    @Nullable ScheduledRun run(Received<ScheduleRunRequestedV1> event) {
        ScheduleRunRequestedV1 request = event.payload();
        if (request.agentId() == null) {
            return null;
        }
        String executionId = executionId(request);
        if (executor.recorded(executionId)) {
            return null;
        }
        Optional<Agent> agent = agents.find(request.organizationId(), request.agentId());
        if (agent.isEmpty()) {
            return ScheduledRun.notRun(request, executionId,
                    "Agent '" + request.agentId() + "' was not found in the schedule's organization");
        }
        List<ChatMessage> messages;
        try {
            messages = ScheduleInputMessages.read(request.inputs());
        } catch (IllegalArgumentException unusable) {
            return ScheduledRun.notRun(request, executionId, unusable.getMessage());
        }
        String userId = request.userId() != null ? request.userId() : "schedule:" + request.scheduleId();
        return ScheduledRun.ran(request, executor.run(executionId, agent.get(), userId, SurfaceTypes.SCHEDULE, messages));
    }

    /** Inside the inbox transaction: records each execution that ran, or the failure of one that could not. */
    void record(List<Prepared<ScheduleRunRequestedV1, ScheduledRun>> prepared) {
        for (Prepared<ScheduleRunRequestedV1, ScheduledRun> p : prepared) {
            ScheduledRun run = p.result();
            if (run == null || recorder.exists(run.executionId())) {
                continue; // not an agent's run, or another request for the same execution got here first
            }
            ScheduleRunRequestedV1 request = run.request();
            if (run.ran() != null) {
                recorder.recordRan(run.ran(), request.runId());
            } else {
                LOG.info("schedule run {} did not start agent {}: {}", request.runId(), request.agentId(),
                        run.notRunReason());
                recorder.recordNotRun(run.executionId(), request.agentId(), request.organizationId(), request.runId());
            }
        }
    }

    /**
     * Inside the transaction that marks the request dead-lettered: unless its execution was recorded,
     * it failed, so the schedule run ends.
     */
    void failDeadLettered(Received<ScheduleRunRequestedV1> event, String reason) {
        ScheduleRunRequestedV1 request = event.payload();
        if (request.agentId() == null) {
            return;
        }
        String executionId = executionId(request);
        if (!recorder.exists(executionId)) {
            LOG.warn("schedule run {} for agent {} was dead-lettered; its execution failed: {}", request.runId(),
                    request.agentId(), reason);
            recorder.recordNotRun(executionId, request.agentId(), request.organizationId(), request.runId());
        }
    }

    /** schedules-service mints the id; a request without one (none should come) gets a fresh one. */
    private static String executionId(ScheduleRunRequestedV1 request) {
        return request.agentExecutionId() != null ? request.agentExecutionId() : Ids.newId("exec");
    }
}
