package dev.runloom.agents.sweeper;

import dev.runloom.common.jdbc.Sql;
import io.micronaut.scheduling.annotation.Scheduled;
import io.micronaut.transaction.annotation.Transactional;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The executions this instance is running, and their heartbeat: every
 * {@code runloom.agents.heartbeat-interval} their {@code heartbeat_at} is set to now, so the
 * {@link ExecutionSweeper} of any instance can tell a live execution from one whose worker died.
 */
@Singleton
public class RunningExecutions {
    private static final Logger LOG = LoggerFactory.getLogger(RunningExecutions.class);

    private final Set<String> running = ConcurrentHashMap.newKeySet();
    private final Sql sql;

    public RunningExecutions(Sql sql) {
        this.sql = sql;
    }

    public void started(String executionId) {
        running.add(executionId);
    }

    public void ended(String executionId) {
        running.remove(executionId);
    }

    @Scheduled(fixedDelay = "${runloom.agents.heartbeat-interval:15s}", initialDelay = "${runloom.agents.heartbeat-interval:15s}")
    void beat() {
        if (running.isEmpty()) {
            return;
        }
        try {
            touch(running.toArray(String[]::new));
        } catch (RuntimeException e) {
            LOG.warn("heartbeat of {} running executions failed", running.size(), e);
        }
    }

    @Transactional
    protected void touch(String[] executionIds) {
        sql.update("UPDATE agent_executions SET heartbeat_at = ? WHERE id = ANY(?) AND status = 'running'",
                Instant.now(), executionIds);
    }
}
