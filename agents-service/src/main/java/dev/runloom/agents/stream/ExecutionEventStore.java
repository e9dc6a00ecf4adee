package dev.runloom.agents.stream;

import dev.runloom.common.jdbc.Sql;
import io.micronaut.transaction.annotation.Transactional;
import jakarta.inject.Singleton;

import java.time.Instant;
import java.util.List;

/**
 * The durable log of an execution's stream frames (table {@code agent_execution_events}): written one
 * frame at a time as the loop runs, so A20 can replay and live-tail an execution while it runs.
 */
@Singleton
public class ExecutionEventStore {
    private final Sql sql;

    public ExecutionEventStore(Sql sql) {
        this.sql = sql;
    }

    /** A stored frame: its 0-based seq, type and JSON data (the whole frame). */
    public record StoredFrame(int seq, String type, String json) {
    }

    @Transactional
    public void append(String organizationId, String executionId, int seq, String type, String json) {
        sql.update("""
                INSERT INTO agent_execution_events (execution_id, seq, organization_id, type, data, created_at)
                VALUES (?, ?, ?, ?, ?::jsonb, ?)""", executionId, seq, organizationId, type, json, Instant.now());
    }

    /** Frames with seq greater than {@code after}, in order, at most {@code limit}. */
    @Transactional(readOnly = true)
    public List<StoredFrame> after(String organizationId, String executionId, int after, int limit) {
        return sql.list("""
                        SELECT seq, type, data::text AS data FROM agent_execution_events
                        WHERE organization_id = ? AND execution_id = ? AND seq > ? ORDER BY seq LIMIT ?""",
                row -> new StoredFrame(row.intValue("seq"), row.string("type"), row.string("data")),
                organizationId, executionId, after, limit);
    }

    /** The seq the execution's next frame gets: one past its last stored frame (0 for none). */
    @Transactional(readOnly = true)
    public int nextSeq(String organizationId, String executionId) {
        return (int) sql.count("""
                SELECT coalesce(max(seq) + 1, 0) FROM agent_execution_events
                WHERE organization_id = ? AND execution_id = ?""", organizationId, executionId);
    }

    /** The execution's status, to stop tailing one that ended without a terminal frame. */
    @Transactional(readOnly = true)
    public String status(String organizationId, String executionId) {
        return sql.first("SELECT status FROM agent_executions WHERE organization_id = ? AND id = ?",
                row -> row.string("status"), organizationId, executionId).orElse("unknown");
    }
}
