package dev.runloom.agents.internal;

import dev.runloom.agents.executions.AgentExecution;
import dev.runloom.agents.loop.AgentExecutionOutcome;
import dev.runloom.agents.loop.AgentExecutor;
import dev.runloom.agents.loop.SurfaceTypes;
import dev.runloom.common.problem.ProblemException;
import dev.runloom.common.tenant.Tenant;
import dev.runloom.models.ChatMessage;
import io.micronaut.transaction.annotation.Transactional;
import jakarta.inject.Singleton;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;

/**
 * Runs an agent for a flow step, once per idempotency key: the key is claimed (committed) before the
 * run, the execution id recorded after it. A repeated request answers the recorded execution as it
 * stands; one that arrives while the first still runs gets 409 {@code agent_run_in_progress}.
 */
@Singleton
public class InternalAgentRuns {
    private final AgentRunReceiptRepository receipts;
    private final AgentExecutor executor;

    public InternalAgentRuns(AgentRunReceiptRepository receipts, AgentExecutor executor) {
        this.receipts = receipts;
        this.executor = executor;
    }

    public AgentRun run(Tenant tenant, String agentId, String key, String message) {
        if (!claim(tenant, key)) {
            return replay(tenant, key);
        }
        AgentExecutionOutcome outcome;
        try {
            outcome = executor.execute(tenant, agentId, List.of(new ChatMessage("user", message)), SurfaceTypes.API);
        } catch (RuntimeException e) {
            release(tenant, key);
            throw e;
        }
        complete(tenant, key, outcome.execution().id());
        var result = outcome.result();
        return new AgentRun(outcome.execution().id(), agentId, result.status(), result.finalOutput(),
                result.totalTokens(), result.totalCost().stripTrailingZeros().toPlainString(),
                outcome.error() == null ? null : outcome.error().message(), false);
    }

    @Transactional
    protected boolean claim(Tenant tenant, String key) {
        return receipts.claim(tenant.organizationId(), key, Instant.now().truncatedTo(ChronoUnit.MILLIS));
    }

    @Transactional
    protected void complete(Tenant tenant, String key, String executionId) {
        receipts.complete(tenant.organizationId(), key, executionId);
    }

    @Transactional
    protected void release(Tenant tenant, String key) {
        receipts.release(tenant.organizationId(), key);
    }

    @Transactional(readOnly = true)
    protected AgentRun replay(Tenant tenant, String key) {
        Optional<String> executionId = receipts.find(tenant.organizationId(), key).orElse(Optional.empty());
        AgentExecution execution = executionId.flatMap(id -> receipts.findByIdAndOrganizationId(id, tenant.organizationId()))
                .orElseThrow(() -> ProblemException.conflict("agent_run_in_progress",
                        "An agent run with this idempotency key is still in progress"));
        return new AgentRun(execution.id(), execution.agentId(), execution.status(), execution.finalOutput(),
                execution.totalTokens(), execution.totalCost().stripTrailingZeros().toPlainString(),
                execution.errorMessage(), true);
    }
}
