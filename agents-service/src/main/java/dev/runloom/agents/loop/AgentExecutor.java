package dev.runloom.agents.loop;

import dev.runloom.agents.a2a.ExternalAgentRunner;
import dev.runloom.models.CallOrigin;
import dev.runloom.agents.agent.Agent;
import dev.runloom.agents.agent.AgentService;
import dev.runloom.agents.capabilities.CapabilityService;
import dev.runloom.agents.capabilities.CapabilityView;
import dev.runloom.agents.approvals.PausedExecutions;
import dev.runloom.agents.executions.ExecutionResult;
import dev.runloom.agents.executions.NewExecution;
import dev.runloom.common.id.Ids;
import dev.runloom.agents.stream.ExecutionEventStore;
import dev.runloom.agents.stream.ExecutionFrames;
import io.micronaut.json.JsonMapper;
import dev.runloom.agents.sweeper.RunningExecutions;
import dev.runloom.common.problem.ProblemException;
import dev.runloom.common.tenant.Tenant;
import dev.runloom.models.ChatMessage;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.transaction.annotation.Transactional;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Set;

/**
 * Runs an agent once. A direct call ({@link #execute}) records the execution, runs the loop, records
 * how it ended: the two persistence steps are transactions of their own ({@link #start},
 * {@link #finish}); the loop, with its model calls, runs between them and holds no transaction or
 * connection. (Micronaut's advice is a generated subclass, so {@code execute} calling them still goes
 * through {@code @Transactional}.) A scheduled run ({@link #run}) only runs the loop, the same way;
 * its caller records it afterwards in one go.
 */
@Singleton
public class AgentExecutor {
    private static final Logger LOG = LoggerFactory.getLogger(AgentExecutor.class);

    private final AgentService agents;
    private final AgentLoop loop;
    private final AgentExecutionRecorder recorder;
    private final ExecutionEventStore eventStore;
    private final JsonMapper json;
    private final RunningExecutions running;
    private final PausedExecutions pauses;
    private final ExternalAgentRunner external;
    private final CapabilityService capabilities;

    public AgentExecutor(AgentService agents, AgentLoop loop, AgentExecutionRecorder recorder,
                         ExecutionEventStore eventStore, JsonMapper json, RunningExecutions running,
                         PausedExecutions pauses, ExternalAgentRunner external, CapabilityService capabilities) {
        this.pauses = pauses;
        this.external = external;
        this.capabilities = capabilities;
        this.agents = agents;
        this.loop = loop;
        this.recorder = recorder;
        this.eventStore = eventStore;
        this.json = json;
        this.running = running;
    }

    /** An execution recorded as {@code running}, ready to run; {@code context} names it and the agents that led to it. */
    public record Prepared(Tenant tenant, NewExecution execution, AgentSpec spec, LoopContext context) {
    }

    /** JSON mode: runs the execution on the caller's thread; its frames are stored for replay (A20). */
    public AgentExecutionOutcome execute(Tenant tenant, String agentId, List<ChatMessage> messages,
                                         @Nullable String surfaceType) {
        return execute(tenant, agentId, messages, surfaceType, false);
    }

    /**
     * JSON mode, as above; {@code pausable}: the caller is a client that can approve or resume (A16's
     * direct call), so the run may pause for them; unattended callers (flow steps) pass false.
     */
    public AgentExecutionOutcome execute(Tenant tenant, String agentId, List<ChatMessage> messages,
                                         @Nullable String surfaceType, boolean pausable) {
        Prepared prepared = prepare(tenant, agentId, messages, surfaceType);
        ExecutionFrames frames = new ExecutionFrames(prepared.execution(), eventStore, json, frame -> {
        }, false);
        return run(prepared, pausable ? frames.pausable() : frames);
    }

    /**
     * Validates the request (a 4xx problem before anything is written) and records the execution as
     * {@code running}; {@link #run(Prepared, ExecutionFrames)} runs it.
     */
    public Prepared prepare(Tenant tenant, String agentId, List<ChatMessage> messages, @Nullable String surfaceType) {
        String surface = surfaceType == null ? SurfaceTypes.API : surfaceType;
        if (!SurfaceTypes.ALL.contains(surface)) {
            throw ProblemException.validation("options.surfaceType must be one of "
                    + String.join(", ", SurfaceTypes.ALL.stream().sorted().toList()));
        }
        Agent agent = agents.get(tenant, agentId);
        AgentSpec spec = spec(agent);
        NewExecution execution = newExecution(Ids.newId("exec"), agent, spec, tenant.userId(), surface, null, messages);
        start(execution);
        return new Prepared(tenant, execution, spec, new LoopContext(execution.id(), List.of(agent.id())));
    }

    /**
     * A sub-agent's run for a tool call of its parent: a child execution ({@code parentExecutionId} =
     * the caller's), recorded and streamed to its own event log like any execution, readable by A10
     * under the child agent and listed by the parent's drill-down ({@code ?parentExecutionId=}).
     * Runs on the caller's thread; the caller has checked depth and cycles.
     */
    public AgentExecutionOutcome executeChild(Tenant tenant, Agent child, List<ChatMessage> messages,
                                              ToolContext parent) {
        AgentSpec spec = spec(child);
        NewExecution execution = newExecution(Ids.newId("exec"), child, spec, tenant.userId(), SurfaceTypes.API,
                parent.executionId(), messages);
        start(execution);
        List<String> chain = new java.util.ArrayList<>(parent.agentChain());
        chain.add(child.id());
        Prepared prepared = new Prepared(tenant, execution, spec, new LoopContext(execution.id(), chain));
        return run(prepared, new ExecutionFrames(execution, eventStore, json, frame -> {
        }, false));
    }

    private AgentSpec spec(Agent agent) {
        return AgentSpec.of(agent, capabilities.of(agent.organizationId(), agent.id()).stream()
                .filter(CapabilityView::enabled).toList());
    }

    /**
     * Runs a prepared execution to its end (or its pause): frames as it goes, the end recorded, then the
     * terminal frame (or the pause frame).
     */
    public AgentExecutionOutcome run(Prepared prepared, ExecutionFrames frames) {
        NewExecution execution = prepared.execution();
        running.started(execution.id());
        try {
            frames.executionStart();
            return conclude(execution, runLoop(prepared.tenant(), execution, prepared.spec(), frames, prepared.context()),
                    frames);
        } finally {
            running.ended(execution.id());
        }
    }

    /**
     * Goes on with a paused execution that {@code PausedExecutions} claimed (A17/A18), on the frames of
     * the continuation (their seq continues the stored log): like {@link #run}, from the pause.
     */
    public AgentExecutionOutcome proceed(Tenant tenant, PausedRun paused, ExecutionFrames frames) {
        NewExecution execution = paused.execution();
        running.started(execution.id());
        try {
            if (paused.answer() instanceof PauseAnswer.Decision decision) {
                frames.approvalComplete(paused.pause(), decision);
            }
            LoopOutcome outcome;
            try {
                // only a root execution pauses (a sub-agent's run has no client to wait for), so the chain is its agent
                outcome = loop.resume(tenant, paused.spec(), paused.pause(), paused.answer(), frames,
                        new LoopContext(execution.id(), List.of(paused.spec().agentId())));
            } catch (RuntimeException e) {
                LOG.error("agent loop of execution {} failed unexpectedly after its pause", execution.id(), e);
                outcome = new LoopOutcome(paused.pause().iterationsSoFar(), paused.pause().toolCalls(),
                        paused.pause().lastText(), StopReasons.ERROR,
                        new LoopOutcome.LoopError("internal_error", "The execution failed unexpectedly"));
            }
            return conclude(execution, outcome, frames);
        } finally {
            running.ended(execution.id());
        }
    }

    /** JSON mode of {@link #proceed(Tenant, PausedRun, ExecutionFrames)}: on the caller's thread. */
    public AgentExecutionOutcome proceed(Tenant tenant, PausedRun paused) {
        NewExecution execution = paused.execution();
        ExecutionFrames frames = new ExecutionFrames(execution, eventStore, json, frame -> {
        }, false).pausable().continuingAt(eventStore.nextSeq(execution.organizationId(), execution.id()),
                paused.pause().textStreamed());
        return proceed(tenant, paused, frames);
    }

    /** Records how a run of the loop ended (or paused) and sends the last frame. */
    private AgentExecutionOutcome conclude(NewExecution execution, LoopOutcome outcome, ExecutionFrames frames) {
        ExecutionResult result;
        boolean lost;
        if (outcome.paused()) {
            if (pauses.record(execution, outcome)) {
                frames.paused(outcome.pause());
                return new AgentExecutionOutcome(execution, recorder.stored(execution), null, outcome.pause());
            }
            result = recorder.stored(execution);
            lost = true;
        } else {
            result = finish(execution, outcome);
            lost = !result.status().equals(AgentExecutionRecorder.status(outcome));
        }
        LoopOutcome.LoopError error = outcome.error();
        if (lost) {
            // the execution stopped running before this run's end was recorded (the sweeper failed it):
            // the stored end stands, and the caller is told so
            error = new LoopOutcome.LoopError("execution_lost", String.valueOf(result.errorMessage()));
        }
        long input = outcome.iterations().stream().mapToLong(i -> i.call().response().usage().promptTokens()).sum();
        long output = outcome.iterations().stream().mapToLong(i -> i.call().response().usage().completionTokens()).sum();
        frames.terminal(result, error, input, output);
        return new AgentExecutionOutcome(execution, result, error);
    }

    /**
     * Outside any transaction, writing nothing: runs the loop for a new execution {@code executionId}
     * of the agent, exactly as {@link #execute} does. Never throws for the loop's sake: a failing run
     * is a failed outcome. The caller records it ({@link AgentExecutionRecorder#recordRan}).
     */
    public RanExecution run(String executionId, Agent agent, String userId, String surfaceType,
                            List<ChatMessage> messages) {
        AgentSpec spec = spec(agent);
        NewExecution execution = newExecution(executionId, agent, spec, userId, surfaceType, null, messages);
        Tenant tenant = new Tenant(agent.organizationId(), userId, Set.of());
        return new RanExecution(execution, runLoop(tenant, execution, spec, LoopEvents.NONE,
                new LoopContext(executionId, List.of(agent.id()))));
    }

    private static NewExecution newExecution(String id, Agent agent, AgentSpec spec, String userId, String surface,
                                             @Nullable String parentExecutionId, List<ChatMessage> messages) {
        return new NewExecution(id, agent.id(), agent.organizationId(), userId, NewExecution.SOURCE_RUNTYPE_CORE,
                parentExecutionId,
                surface, Instant.now().truncatedTo(ChronoUnit.MILLIS), spec, List.copyOf(messages));
    }

    LoopOutcome runLoop(Tenant tenant, NewExecution execution, AgentSpec spec, LoopEvents events,
                        LoopContext context) {
        try {
            if (ExternalAgentRunner.runs(spec)) {
                return external.run(execution, events); // an A2A agent: one message/send instead of the model loop
            }
            return loop.run(tenant, spec, execution.inputMessages(), events, context,
                    SurfaceTypes.SCHEDULE.equals(execution.surfaceType()) ? CallOrigin.Priority.BATCH
                            : CallOrigin.Priority.INTERACTIVE);
        } catch (RuntimeException e) {
            // the loop reports model and tool failures itself; this is a bug, but the execution must still end
            LOG.error("agent loop of execution {} failed unexpectedly", execution.id(), e);
            return new LoopOutcome(List.of(), List.of(), null, StopReasons.ERROR,
                    new LoopOutcome.LoopError("internal_error", "The execution failed unexpectedly"));
        }
    }

    /** Whether an execution with this id was recorded already (read before running a requested one). */
    @Transactional(readOnly = true)
    public boolean recorded(String executionId) {
        return recorder.exists(executionId);
    }

    /** The {@code running} row, committed before the loop so a long run is visible while it runs. */
    @Transactional
    protected void start(NewExecution execution) {
        recorder.start(execution);
    }

    /** The iterations, the final state and the completion event, in one transaction. */
    @Transactional
    protected ExecutionResult finish(NewExecution execution, LoopOutcome outcome) {
        return recorder.finish(execution, outcome);
    }
}
