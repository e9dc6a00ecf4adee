package dev.runloom.agents.sweeper;

import dev.runloom.agents.events.AgentEvents;
import dev.runloom.agents.events.AgentExecutionCompletedV1;
import dev.runloom.agents.executions.ExecutionStatus;
import dev.runloom.agents.loop.StopReasons;
import dev.runloom.common.jdbc.Sql;
import dev.runloom.kernel.events.OutgoingEvent;
import dev.runloom.kernel.outbox.Outbox;
import io.micronaut.context.annotation.Value;
import io.micronaut.scheduling.annotation.Scheduled;
import io.micronaut.transaction.annotation.Transactional;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * Fails executions whose worker died: {@code running} with no heartbeat (or, never beaten, no start)
 * for longer than {@code runloom.agents.sweeper.timeout}. Each becomes {@code failed} with stop reason
 * {@code error} and an error message saying why, and its completion event is published (a schedule
 * run waiting for it ends). The UPDATE claims rows atomically, so sweepers of several instances never
 * fail one execution twice. The timeout must exceed the heartbeat interval by a wide margin.
 */
@Singleton
public class ExecutionSweeper {
    private static final Logger LOG = LoggerFactory.getLogger(ExecutionSweeper.class);

    private final Sql sql;
    private final Outbox outbox;
    private final Duration timeout;

    public ExecutionSweeper(Sql sql, Outbox outbox, @Value("${runloom.agents.sweeper.timeout:2m}") Duration timeout) {
        this.sql = sql;
        this.outbox = outbox;
        this.timeout = timeout;
    }

    private record Swept(String id, String agentId, String organizationId, String parentExecutionId, int iterations,
                         long totalTokens, BigDecimal totalCost, Instant startedAt) {
    }

    @Scheduled(fixedDelay = "${runloom.agents.sweeper.interval:30s}", initialDelay = "${runloom.agents.sweeper.interval:30s}")
    void scheduled() {
        try {
            int swept = sweep();
            if (swept > 0) {
                LOG.warn("failed {} agent executions whose worker stopped sending heartbeats", swept);
            }
        } catch (RuntimeException e) {
            LOG.warn("sweeping stale agent executions failed", e);
        }
    }

    /** Fails the stale running executions now; answers how many. */
    @Transactional
    public int sweep() {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        String reason = "The execution stopped without finishing: its worker sent no heartbeat for "
                + timeout.toSeconds() + " s (the service instance running it probably stopped)";
        List<Swept> swept = sql.list("""
                        UPDATE agent_executions SET status = ?, stop_reason = ?, error_message = ?, completed_at = ?
                        WHERE status = ? AND coalesce(heartbeat_at, started_at) < ?
                        RETURNING id, agent_id, organization_id, parent_execution_id, iterations, total_tokens,
                                  total_cost, started_at""",
                row -> new Swept(row.string("id"), row.string("agent_id"), row.string("organization_id"),
                        row.string("parent_execution_id"), row.intValue("iterations"), row.longValue("total_tokens"),
                        row.decimal("total_cost"), row.instant("started_at")),
                ExecutionStatus.FAILED, StopReasons.ERROR, reason, now, ExecutionStatus.RUNNING, now.minus(timeout));
        for (Swept s : swept) {
            outbox.append(OutgoingEvent.of(AgentEvents.EXECUTION_COMPLETED, s.id(), s.id(), s.organizationId(),
                    new AgentExecutionCompletedV1(s.id(), s.agentId(), s.organizationId(), s.parentExecutionId(),
                            ExecutionStatus.FAILED, StopReasons.ERROR, s.iterations(), s.totalTokens(), s.totalCost(),
                            s.startedAt(), now, null)));
        }
        return swept.size();
    }
}
