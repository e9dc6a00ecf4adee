package dev.runloom.agents.approvals;

import dev.runloom.common.jdbc.Row;
import dev.runloom.common.jdbc.Sql;
import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.GenericRepository;

import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;

/** The {@code agent_execution_pauses} table; every statement is scoped to the organization. */
@JdbcRepository(dialect = Dialect.POSTGRES)
public abstract class PauseRepository implements GenericRepository<ExecutionPause, String> {
    private static final String COLUMNS = """
            id, execution_id, organization_id, kind, status, tool_name, state::text AS state, created_at, decided_at,
            decided_by""";

    private final Sql sql;

    protected PauseRepository(Sql sql) {
        this.sql = sql;
    }

    public void insert(ExecutionPause pause) {
        sql.update("""
                INSERT INTO agent_execution_pauses (id, execution_id, organization_id, kind, status, tool_name, state,
                                                    created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?::jsonb, ?)""", pause.id(), pause.executionId(), pause.organizationId(),
                pause.kind(), pause.status(), pause.toolName(), pause.state(), pause.createdAt());
    }

    /** One pause of an execution by its id, locked until the transaction ends. */
    public Optional<ExecutionPause> lock(String organizationId, String executionId, String id) {
        return sql.first("SELECT " + COLUMNS + " FROM agent_execution_pauses"
                        + " WHERE organization_id = ? AND execution_id = ? AND id = ? FOR UPDATE",
                PauseRepository::pause, organizationId, executionId, id);
    }

    /** The execution's open pause, if any, locked until the transaction ends. */
    public Optional<ExecutionPause> lockPending(String organizationId, String executionId) {
        return sql.first("SELECT " + COLUMNS + " FROM agent_execution_pauses"
                        + " WHERE organization_id = ? AND execution_id = ? AND status = ? FOR UPDATE",
                PauseRepository::pause, organizationId, executionId, ExecutionPause.PENDING);
    }

    /** Decides a pending pause (its state is cleared); false when it was not pending any more. */
    public boolean decide(String organizationId, String id, String status, Instant at, String by) {
        return sql.update("""
                UPDATE agent_execution_pauses SET status = ?, decided_at = ?, decided_by = ?, state = NULL
                WHERE organization_id = ? AND id = ? AND status = ?""", status, at, by, organizationId, id,
                ExecutionPause.PENDING) == 1;
    }

    private static ExecutionPause pause(Row row) throws SQLException {
        return new ExecutionPause(row.string("id"), row.string("execution_id"), row.string("organization_id"),
                row.string("kind"), row.string("status"), row.string("tool_name"), row.string("state"),
                row.instant("created_at"), row.instant("decided_at"), row.string("decided_by"));
    }
}
