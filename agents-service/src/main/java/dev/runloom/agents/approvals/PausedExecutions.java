package dev.runloom.agents.approvals;

import dev.runloom.agents.executions.AgentExecution;
import dev.runloom.agents.executions.ExecutionRepository;
import dev.runloom.agents.executions.ExecutionStatus;
import dev.runloom.agents.executions.NewExecution;
import dev.runloom.agents.loop.AgentExecutionRecorder;
import dev.runloom.agents.loop.AgentSpec;
import dev.runloom.agents.loop.LoopOutcome;
import dev.runloom.agents.loop.LoopPause;
import dev.runloom.agents.loop.PauseAnswer;
import dev.runloom.agents.loop.PausedRun;
import dev.runloom.agents.loop.PendingToolCall;
import dev.runloom.common.problem.ProblemException;
import dev.runloom.common.tenant.Tenant;
import dev.runloom.models.ChatMessage;
import io.micronaut.json.JsonMapper;
import io.micronaut.transaction.annotation.Transactional;
import jakarta.inject.Singleton;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Paused executions: recording a pause (the execution {@code paused}, its loop state in a pause row)
 * and claiming one to go on — A17's decision on an approval, A18's client tool outputs. A claim is one
 * transaction that moves the pause out of {@code pending} and the execution back to {@code running}
 * (both conditional), so a pause is decided exactly once; a second decision is a 409 problem.
 */
@Singleton
public class PausedExecutions {
    private final ExecutionRepository executions;
    private final PauseRepository pauses;
    private final JsonMapper json;
    private final AgentExecutionRecorder recorder;

    public PausedExecutions(ExecutionRepository executions, PauseRepository pauses, JsonMapper json,
                            AgentExecutionRecorder recorder) {
        this.recorder = recorder;
        this.executions = executions;
        this.pauses = pauses;
        this.json = json;
    }

    /**
     * Records that a running execution paused, with what it did so far. False when it was not running any more (the sweeper
     * failed it meanwhile): nothing is written then.
     */
    @Transactional
    public boolean record(NewExecution execution, LoopOutcome outcome) {
        LoopPause pause = outcome.pause();
        if (!executions.pause(execution.organizationId(), execution.id(), outcome.iterations().size(),
                outcome.totalTokens(), outcome.totalCost())) {
            return false;
        }
        recorder.progress(execution, outcome);
        pauses.insert(new ExecutionPause(pause.id(), execution.id(), execution.organizationId(), pause.kind(),
                ExecutionPause.PENDING, LoopPause.APPROVAL.equals(pause.kind()) ? pause.first().name() : null,
                text(pause), now(), null, null));
        return true;
    }

    /** A17: decides the approval and claims the execution to go on. */
    @Transactional
    public PausedRun approve(Tenant tenant, String agentId, String executionId, String approvalId, boolean approved) {
        AgentExecution execution = execution(tenant, agentId, executionId);
        ExecutionPause pause = pauses.lock(tenant.organizationId(), executionId, approvalId)
                .filter(p -> LoopPause.APPROVAL.equals(p.kind()))
                .orElseThrow(() -> ProblemException.notFound("approval", approvalId));
        if (!ExecutionPause.PENDING.equals(pause.status())) {
            throw ProblemException.conflict("approval_decided",
                    "Approval " + approvalId + " was already decided (" + pause.status() + ")");
        }
        LoopPause state = state(pause);
        claim(tenant, execution, pause, approved ? ExecutionPause.APPROVED : ExecutionPause.DENIED);
        return new PausedRun(execution.asNew(), spec(execution), state,
                new PauseAnswer.Decision(approved, tenant.userId()));
    }

    /**
     * A18: feeds the outputs of the client-side tool calls the execution awaits (keyed by our tool call
     * id or the model's call id; every awaited call needs one) and claims the execution to go on.
     */
    @Transactional
    public PausedRun resume(Tenant tenant, String agentId, String executionId, Map<String, Object> toolOutputs,
                            List<ChatMessage> messages) {
        AgentExecution execution = execution(tenant, agentId, executionId);
        ExecutionPause pause = pauses.lockPending(tenant.organizationId(), executionId)
                .filter(p -> LoopPause.AWAIT.equals(p.kind()))
                .orElseThrow(() -> ProblemException.conflict("execution_not_awaiting", "Execution " + executionId
                        + " is not waiting for client tool outputs (it is " + execution.status()
                        + (ExecutionStatus.PAUSED.equals(execution.status()) ? ", for an approval)" : ")")));
        LoopPause state = state(pause);
        Map<String, Object> outputs = new LinkedHashMap<>();
        List<PendingToolCall> awaited = state.awaited();
        for (Map.Entry<String, Object> given : toolOutputs.entrySet()) {
            PendingToolCall call = awaited.stream()
                    .filter(p -> p.id().equals(given.getKey()) || p.providerCallId().equals(given.getKey()))
                    .findFirst()
                    .orElseThrow(() -> ProblemException.validation("toolOutputs: execution " + executionId
                            + " awaits no tool call '" + given.getKey() + "' (it awaits "
                            + String.join(", ", awaited.stream().map(PendingToolCall::id).toList()) + ")"));
            outputs.put(call.id(), given.getValue());
        }
        List<String> missing = new ArrayList<>(awaited.stream().map(PendingToolCall::id)
                .filter(id -> !outputs.containsKey(id)).toList());
        if (!missing.isEmpty()) {
            throw ProblemException.validation("toolOutputs lacks the output of " + String.join(", ", missing));
        }
        claim(tenant, execution, pause, ExecutionPause.RESUMED);
        return new PausedRun(execution.asNew(), spec(execution), state,
                new PauseAnswer.ToolOutputs(outputs, List.copyOf(messages)));
    }

    private AgentExecution execution(Tenant tenant, String agentId, String executionId) {
        return executions.findByOrganizationIdAndAgentIdAndId(tenant.organizationId(), agentId, executionId)
                .orElseThrow(() -> ProblemException.notFound("execution", executionId));
    }

    private void claim(Tenant tenant, AgentExecution execution, ExecutionPause pause, String decision) {
        Instant now = now();
        if (!ExecutionStatus.PAUSED.equals(execution.status())
                || !pauses.decide(tenant.organizationId(), pause.id(), decision, now, tenant.userId())
                || !executions.resumePaused(tenant.organizationId(), execution.id(), now)) {
            throw ProblemException.conflict("execution_not_paused",
                    "Execution " + execution.id() + " is not paused (it is " + execution.status() + ")");
        }
    }

    private LoopPause state(ExecutionPause pause) {
        try {
            return json.readValue(pause.state(), LoopPause.class);
        } catch (IOException e) {
            throw new UncheckedIOException("pause " + pause.id() + " has unreadable state", e);
        }
    }

    private AgentSpec spec(AgentExecution execution) {
        try {
            return json.readValue(json.writeValueAsBytes(execution.agentSpec()), AgentSpec.class);
        } catch (IOException e) {
            throw new UncheckedIOException("execution " + execution.id() + " has an unreadable agent snapshot", e);
        }
    }

    private String text(LoopPause pause) {
        try {
            return new String(json.writeValueAsBytes(pause), StandardCharsets.UTF_8).replace("\\u0000", "");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MILLIS);
    }
}
