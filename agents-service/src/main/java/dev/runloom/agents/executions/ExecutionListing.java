package dev.runloom.agents.executions;

import dev.runloom.agents.agent.AgentService;
import dev.runloom.common.pagination.Cursor;
import dev.runloom.common.problem.ProblemException;
import dev.runloom.common.tenant.Tenant;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.transaction.annotation.Transactional;
import jakarta.inject.Singleton;

import java.time.Instant;
import java.util.List;

/**
 * Lists an agent's executions, newest first, by keyset cursor.
 *
 * <p>A cursor is the position of the last row a client has seen plus how many rows precede the page it
 * opens (that count is {@code currentOffset}, so no page ever counts rows it skips). {@code prevCursor}
 * opens the page before: found by reading back at most {@code limit + 1} positions from the current
 * one. A cursor at offset 0 means "from the top"; it is what {@code prevCursor} is when the previous
 * page is the first one.
 */
@Singleton
public class ExecutionListing {
    private static final Cursor TOP = new Cursor(Instant.EPOCH, "top", 0);

    private final AgentService agents;
    private final ExecutionRepository executions;

    public ExecutionListing(AgentService agents, ExecutionRepository executions) {
        this.agents = agents;
        this.executions = executions;
    }

    /** A10: one execution of the agent; 404 for an unknown agent or execution, or another organization's. */
    @Transactional(readOnly = true)
    public AgentExecutionDetail detail(Tenant tenant, String agentId, String executionId) {
        agents.get(tenant, agentId);
        AgentExecution execution = executions.findByOrganizationIdAndAgentIdAndId(tenant.organizationId(), agentId,
                executionId).orElseThrow(() -> ProblemException.notFound("Execution", executionId));
        return AgentExecutionDetail.of(execution, executions.iterations(tenant.organizationId(), executionId));
    }

    /** A11: the execution's tool calls in order. */
    @Transactional(readOnly = true)
    public List<ToolCallView> toolCalls(Tenant tenant, String agentId, String executionId, int limit, int offset) {
        requireExecution(tenant, agentId, executionId);
        return executions.toolCalls(tenant.organizationId(), executionId, limit, offset);
    }

    /** A12. */
    @Transactional(readOnly = true)
    public ToolCallView toolCall(Tenant tenant, String agentId, String executionId, String toolCallId) {
        requireExecution(tenant, agentId, executionId);
        return executions.toolCall(tenant.organizationId(), executionId, toolCallId)
                .orElseThrow(() -> ProblemException.notFound("Tool call", toolCallId));
    }

    private AgentExecution requireExecution(Tenant tenant, String agentId, String executionId) {
        agents.get(tenant, agentId);
        return executions.findByOrganizationIdAndAgentIdAndId(tenant.organizationId(), agentId, executionId)
                .orElseThrow(() -> ProblemException.notFound("Execution", executionId));
    }

    @Transactional(readOnly = true)
    public ExecutionPage list(Tenant tenant, ExecutionFilter filter, int limit, @Nullable Cursor cursor,
                              boolean includeCount) {
        agents.get(tenant, filter.agentId()); // 404 for an unknown agent or another organization's
        if (cursor != null && cursor.offset() < 0) {
            throw ProblemException.invalidParameter("cursor", "is not a cursor this API issued");
        }
        ExecutionRepository.Position after = cursor == null || cursor.offset() == 0
                ? null : new ExecutionRepository.Position(cursor.at(), cursor.id());
        int offset = after == null ? 0 : cursor.offset();

        List<ExecutionSummary> rows = executions.listAfter(filter, after, limit + 1);
        boolean hasMore = rows.size() > limit;
        List<ExecutionSummary> page = hasMore ? rows.subList(0, limit) : rows;
        String nextCursor = null;
        if (hasMore) {
            ExecutionSummary last = page.getLast();
            nextCursor = new Cursor(last.createdAt(), last.id(), offset + page.size()).encode();
        }

        boolean hasPrev = false;
        String prevCursor = null;
        if (after != null) {
            List<ExecutionRepository.Position> seen = executions.listUpTo(filter, after, limit + 1);
            hasPrev = !seen.isEmpty();
            if (seen.size() > limit) {
                ExecutionRepository.Position boundary = seen.get(limit);
                prevCursor = new Cursor(boundary.createdAt(), boundary.id(), Math.max(1, offset - limit)).encode();
            } else if (hasPrev) {
                prevCursor = TOP.encode();
            }
        }
        Long total = includeCount ? executions.count(filter) : null;
        return new ExecutionPage(List.copyOf(page), nextCursor, prevCursor, hasMore, hasPrev, limit, offset, total);
    }
}
