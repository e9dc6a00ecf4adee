package dev.runloom.agents.loop;

import dev.runloom.agents.events.AgentEvents;
import dev.runloom.agents.events.AgentExecutionCompletedV1;
import dev.runloom.agents.executions.AgentExecution;
import dev.runloom.agents.executions.ExecutionIteration;
import dev.runloom.agents.executions.ExecutionRepository;
import dev.runloom.agents.executions.ExecutionResult;
import dev.runloom.agents.executions.ExecutionStatus;
import dev.runloom.agents.executions.NewExecution;
import dev.runloom.kernel.events.CloudEventCodec;
import dev.runloom.kernel.events.OutgoingEvent;
import dev.runloom.kernel.outbox.Outbox;
import dev.runloom.models.ModelCall;
import io.micronaut.core.annotation.Nullable;
import jakarta.inject.Singleton;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import io.micronaut.json.JsonMapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What an agent execution writes: its row, its iterations, its final state and the
 * {@code AgentExecutionCompletedV1} event. A direct call writes the {@code running} row before the
 * loop ({@link #start}) and the rest after it ({@link #finish}); a scheduled run writes everything at
 * once after the loop ({@link #recordRan}). Runs inside its caller's transaction (the outbox requires one):
 * {@link AgentExecutor}'s persistence steps, or the inbox transaction of a schedule run request.
 */
@Singleton
public class AgentExecutionRecorder {
    private static final Logger LOG = LoggerFactory.getLogger(AgentExecutionRecorder.class);
    /** Tool inputs and outputs are stored up to this size (of their JSON); larger ones as a marked preview. */
    static final int MAX_STORED_JSON = 64 * 1024;

    private final ExecutionRepository executions;
    private final Outbox outbox;
    private final JsonMapper json;

    public AgentExecutionRecorder(ExecutionRepository executions, Outbox outbox, JsonMapper json) {
        this.executions = executions;
        this.outbox = outbox;
        this.json = json;
    }

    public void start(NewExecution execution) {
        executions.insertRunning(execution);
    }

    /**
     * The end of an execution {@link #start} recorded: iterations, final state, completion event. Only a
     * {@code running} execution is ended: when the sweeper failed it meanwhile (its heartbeat looked
     * dead), this late result is dropped, nothing is written, and the stored end is answered instead.
     */
    public ExecutionResult finish(NewExecution execution, LoopOutcome outcome) {
        ExecutionResult result = result(execution, outcome);
        if (!executions.finish(execution.organizationId(), execution.id(), result)) {
            LOG.warn("execution {} ended after it had stopped running (swept as failed?); its result is dropped",
                    execution.id());
            return stored(execution);
        }
        executions.insertIterations(iterations(execution, outcome));
        executions.insertToolCalls(toolCalls(execution, outcome));
        published(execution, result, null);
        return result;
    }

    /**
     * What a paused execution has done so far (iterations, the paused one included, and tool calls), so
     * A10/A11 show it while it waits; {@link #finish} later completes the same rows.
     */
    public void progress(NewExecution execution, LoopOutcome outcome) {
        executions.insertIterations(iterations(execution, outcome));
        executions.insertToolCalls(toolCalls(execution, outcome));
    }

    /** The execution as stored now (how it ended, or its totals so far). */
    public ExecutionResult stored(NewExecution execution) {
        return executions.findByIdAndOrganizationId(execution.id(), execution.organizationId())
                .map(AgentExecution::result)
                .orElseThrow(() -> new IllegalStateException("execution " + execution.id() + " vanished"));
    }

    /** Whether an execution with this id was recorded already (a schedule's minted id seen twice). */
    public boolean exists(String executionId) {
        return executions.existsById(executionId);
    }

    /**
     * A whole execution whose loop already ran: its row (finished), its iterations and the
     * completion event, which carries the schedule run that asked for it.
     */
    public ExecutionResult recordRan(RanExecution ran, @Nullable String scheduleRunId) {
        NewExecution execution = ran.execution();
        ExecutionResult result = result(execution, ran.outcome());
        executions.insertFinished(execution, result);
        executions.insertIterations(iterations(execution, ran.outcome()));
        executions.insertToolCalls(toolCalls(execution, ran.outcome()));
        published(execution, result, scheduleRunId);
        return result;
    }

    /**
     * A requested execution that could not run at all (no such agent, unusable inputs): no row,
     * since there is no agent or input to show it with, only a {@code failed} completion event, so
     * the schedule run that asked for it ends instead of waiting for it.
     */
    public void recordNotRun(String executionId, String agentId, String organizationId, String scheduleRunId) {
        Instant now = now();
        outbox.append(OutgoingEvent.of(AgentEvents.EXECUTION_COMPLETED, executionId, executionId, organizationId,
                new AgentExecutionCompletedV1(executionId, agentId, organizationId, null, ExecutionStatus.FAILED,
                        StopReasons.ERROR, 0, 0, BigDecimal.ZERO, now, now, scheduleRunId))
                .withExtension(CloudEventCodec.SCHEDULE_RUN_EXTENSION, scheduleRunId));
    }

    private void published(NewExecution execution, ExecutionResult result, @Nullable String scheduleRunId) {
        outbox.append(OutgoingEvent.of(AgentEvents.EXECUTION_COMPLETED, execution.id(), execution.id(),
                execution.organizationId(),
                new AgentExecutionCompletedV1(execution.id(), execution.agentId(), execution.organizationId(),
                        execution.parentExecutionId(), result.status(), result.stopReason(), result.iterations(),
                        result.totalTokens(), result.totalCost(), execution.startedAt(), result.completedAt(),
                        scheduleRunId, execution.agentSpec() instanceof AgentSpec spec ? spec.config().model() : null))
                .withExtension(CloudEventCodec.SCHEDULE_RUN_EXTENSION, scheduleRunId));
    }

    /** The status a run of the loop ends an execution with. */
    static String status(LoopOutcome outcome) {
        if (!outcome.failed()) {
            return ExecutionStatus.COMPLETED;
        }
        return StopReasons.APPROVAL_DENIED.equals(outcome.stopReason()) ? ExecutionStatus.CANCELLED
                : ExecutionStatus.FAILED;
    }

    private static ExecutionResult result(NewExecution execution, LoopOutcome outcome) {
        Instant completedAt = now();
        return new ExecutionResult(
                status(outcome),
                outcome.iterations().size(), outcome.totalTokens(), outcome.totalCost(), outcome.stopReason(),
                outcome.failed() ? outcome.error().message() : null, outcome.finalOutput(),
                completedAt.isBefore(execution.startedAt()) ? execution.startedAt() : completedAt);
    }

    private List<ExecutionRepository.ToolCallRow> toolCalls(NewExecution execution, LoopOutcome outcome) {
        return outcome.toolCalls().stream().map(c -> new ExecutionRepository.ToolCallRow(c.id(), execution.id(),
                execution.organizationId(), c.seq(), c.iteration(), c.providerCallId(), toolId(c), c.toolName(),
                c.outcome().toolType(), c.outcome().description(), c.model(), c.status(), c.outcome().error(),
                jsonText(c.outcome().input()), jsonText(c.outcome().output()), c.outcome().durationMs(),
                c.createdAt())).toList();
    }

    private static String toolId(ToolCallRecord call) {
        return call.outcome().toolType() + ":" + call.toolName();
    }

    /** The value as JSON text for a JSONB column, capped: a larger value is kept as a truncated preview. */
    private @Nullable String jsonText(@Nullable Object value) {
        if (value == null) {
            return null;
        }
        try {
            String text = new String(json.writeValueAsBytes(value), StandardCharsets.UTF_8).replace("\\u0000", "");
            if (text.length() <= MAX_STORED_JSON) {
                return text;
            }
            return new String(json.writeValueAsBytes(Map.of("truncated", true,
                    "preview", text.substring(0, MAX_STORED_JSON))), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return null;
        }
    }

    private static List<ExecutionIteration> iterations(NewExecution execution, LoopOutcome outcome) {
        return outcome.iterations().stream().map(it -> iteration(execution, it)).toList();
    }

    private static ExecutionIteration iteration(NewExecution execution, Iteration it) {
        ModelCall call = it.call();
        var usage = call.response().usage();
        return new ExecutionIteration(new ExecutionIteration.Key(execution.id(), it.number()),
                execution.organizationId(), call.response().model(), usage.promptTokens(), usage.completionTokens(),
                usage.cachedPromptTokens(), usage.totalTokens(), call.cost(), call.price().inputPerMillion(),
                call.price().outputPerMillion(), call.price().cachedInputPerMillion(), call.response().finishReason(),
                call.response().text(), it.toolCalls(), call.durationMs(), it.startedAt(), it.completedAt());
    }

    private static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MILLIS);
    }
}
