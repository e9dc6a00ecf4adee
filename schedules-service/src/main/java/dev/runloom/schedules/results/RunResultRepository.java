package dev.runloom.schedules.results;

import dev.runloom.schedules.db.Sql;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.jdbc.runtime.JdbcOperations;
import jakarta.inject.Singleton;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/** The {@code schedule_run_results} table. Every method runs on the caller's transaction. */
@Singleton
public class RunResultRepository {
    /**
     * One statement for a poll's worth of results: rows travel as parallel arrays, only those
     * whose run exists here (same organization) are kept, a repeated execution is ignored, and
     * the runs still in progress count what was actually inserted (the batch-completed event later
     * replaces the tally with flows-service's own counts).
     */
    private static final String INSERT_ALL = """
            WITH incoming AS (
                SELECT * FROM unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[],
                                     ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[])
                    AS u(run_id, execution_id, organization_id, record_id, record_name, record_type, record_result_id,
                         flow_id, flow_name, status, error, executed_at, failed_at, created_at)
            ), inserted AS (
                INSERT INTO schedule_run_results (run_id, execution_id, organization_id, record_id, record_name,
                                                  record_type, record_result_id, flow_id, flow_name, status, error,
                                                  executed_at, failed_at, created_at)
                SELECT u.run_id, u.execution_id, u.organization_id, u.record_id, u.record_name, u.record_type,
                       u.record_result_id, u.flow_id, u.flow_name, u.status, u.error,
                       u.executed_at::timestamptz, u.failed_at::timestamptz, u.created_at::timestamptz
                FROM incoming u JOIN schedule_runs r ON r.id = u.run_id AND r.organization_id = u.organization_id
                ON CONFLICT (run_id, execution_id) DO NOTHING
                RETURNING run_id, status
            ), tally AS (
                SELECT run_id, count(*) AS processed, count(*) FILTER (WHERE status = 'failed') AS failed
                FROM inserted GROUP BY run_id
            )
            UPDATE schedule_runs r SET processed_records = r.processed_records + t.processed,
                                       failed_records = r.failed_records + t.failed
            FROM tally t WHERE r.id = t.run_id AND r.status IN ('pending', 'running')""";
    private static final String COLUMNS = """
            run_id, execution_id, organization_id, record_id, record_name, record_type, record_result_id, flow_id,
            flow_name, agent_execution_id, status, error, executed_at, failed_at, created_at""";

    private final JdbcOperations jdbc;

    public RunResultRepository(JdbcOperations jdbc) {
        this.jdbc = jdbc;
    }

    public void insertAll(List<RunResult> results) throws SQLException {
        if (results.isEmpty()) {
            return;
        }
        Connection connection = jdbc.getConnection();
        List<Function<RunResult, String>> columns = List.of(
                RunResult::runId, RunResult::executionId, RunResult::organizationId, RunResult::recordId,
                RunResult::recordName, RunResult::recordType, RunResult::recordResultId, RunResult::flowId,
                RunResult::flowName, RunResult::status, RunResult::error,
                r -> Sql.isoText(r.executedAt()), r -> Sql.isoText(r.failedAt()), r -> Sql.isoText(r.createdAt()));
        try (PreparedStatement insert = connection.prepareStatement(INSERT_ALL)) {
            for (int i = 0; i < columns.size(); i++) {
                insert.setArray(i + 1, connection.createArrayOf("text", results.stream().map(columns.get(i)).toArray()));
            }
            insert.executeUpdate();
        }
    }

    /** A page in the order the executions finished; {@code status} null for all. */
    public List<RunResult> page(String organizationId, String runId, @Nullable String status, int limit, int offset)
            throws SQLException {
        try (PreparedStatement select = jdbc.getConnection().prepareStatement("SELECT " + COLUMNS + """
                 FROM schedule_run_results
                WHERE run_id = ? AND organization_id = ? AND (?::text IS NULL OR status = ?)
                ORDER BY executed_at, execution_id LIMIT ? OFFSET ?""")) {
            select.setString(1, runId);
            select.setString(2, organizationId);
            select.setString(3, status);
            select.setString(4, status);
            select.setInt(5, limit);
            select.setInt(6, offset);
            List<RunResult> page = new ArrayList<>();
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    page.add(map(rows));
                }
            }
            return page;
        }
    }

    public long count(String organizationId, String runId, @Nullable String status) throws SQLException {
        try (PreparedStatement select = jdbc.getConnection().prepareStatement("""
                SELECT count(*) FROM schedule_run_results
                WHERE run_id = ? AND organization_id = ? AND (?::text IS NULL OR status = ?)""")) {
            select.setString(1, runId);
            select.setString(2, organizationId);
            select.setString(3, status);
            select.setString(4, status);
            try (ResultSet rows = select.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        }
    }

    private static RunResult map(ResultSet rows) throws SQLException {
        return new RunResult(
                rows.getString("run_id"),
                rows.getString("execution_id"),
                rows.getString("organization_id"),
                rows.getString("record_id"),
                rows.getString("record_name"),
                rows.getString("record_type"),
                rows.getString("record_result_id"),
                rows.getString("flow_id"),
                rows.getString("flow_name"),
                rows.getString("agent_execution_id"),
                rows.getString("status"),
                rows.getString("error"),
                Sql.instant(rows, "executed_at"),
                Sql.instant(rows, "failed_at"),
                Sql.instant(rows, "created_at"));
    }
}
