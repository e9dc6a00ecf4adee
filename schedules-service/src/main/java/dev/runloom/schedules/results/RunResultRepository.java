package dev.runloom.schedules.results;

import dev.runloom.common.jdbc.Sql;
import dev.runloom.common.jdbc.Where;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.GenericRepository;

import java.util.List;
import java.util.function.Function;

/**
 * The {@code schedule_run_results} projection. Reads filter by organization and take the request's
 * status filter ({@link Where}); writes are one statement per poll of events. Runs on the caller's
 * transaction.
 */
@JdbcRepository(dialect = Dialect.POSTGRES)
public abstract class RunResultRepository implements GenericRepository<RunResult, String> {
    /**
     * One statement for a poll's worth of results: rows travel as parallel text arrays, only those
     * whose run exists here (same organization) are kept — the run is key-share locked, so a
     * schedule deleted meanwhile either waits for this statement or is already gone and its
     * results are dropped, never a foreign-key error —, a repeated execution is ignored, and
     * the runs still in progress count what was actually inserted (the batch-completed event later
     * replaces the tally with flows-service's own counts). The SQL text never changes with the
     * batch size.
     */
    private static final String INSERT_ALL = """
            WITH incoming AS (
                SELECT * FROM unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[],
                                     ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[])
                    AS u(run_id, execution_id, organization_id, record_id, record_name, record_type, record_result_id,
                         flow_id, flow_name, status, error, executed_at, failed_at, created_at)
            ), known AS (
                SELECT u.* FROM incoming u JOIN schedule_runs r ON r.id = u.run_id AND r.organization_id = u.organization_id
                FOR KEY SHARE OF r
            ), inserted AS (
                INSERT INTO schedule_run_results (run_id, execution_id, organization_id, record_id, record_name,
                                                  record_type, record_result_id, flow_id, flow_name, status, error,
                                                  executed_at, failed_at, created_at)
                SELECT u.run_id, u.execution_id, u.organization_id, u.record_id, u.record_name, u.record_type,
                       u.record_result_id, u.flow_id, u.flow_name, u.status, u.error,
                       u.executed_at::timestamptz, u.failed_at::timestamptz, u.created_at::timestamptz
                FROM known u
                ON CONFLICT (run_id, execution_id) DO NOTHING
                RETURNING run_id, status
            ), tally AS (
                SELECT run_id, count(*) AS processed, count(*) FILTER (WHERE status = 'failed') AS failed
                FROM inserted GROUP BY run_id
            )
            UPDATE schedule_runs r SET processed_records = r.processed_records + t.processed,
                                       failed_records = r.failed_records + t.failed
            FROM tally t WHERE r.id = t.run_id AND r.status IN ('pending', 'running')""";
    private static final List<Function<RunResult, String>> INSERTED_COLUMNS = List.of(
            RunResult::runId, RunResult::executionId, RunResult::organizationId, RunResult::recordId,
            RunResult::recordName, RunResult::recordType, RunResult::recordResultId, RunResult::flowId,
            RunResult::flowName, RunResult::status, RunResult::error,
            // instants as ISO-8601 text; the statement casts them back to TIMESTAMPTZ
            r -> r.executedAt().toString(), r -> r.failedAt() == null ? null : r.failedAt().toString(),
            r -> r.createdAt().toString());
    private static final String COLUMNS = """
            run_id, execution_id, organization_id, record_id, record_name, record_type, record_result_id, flow_id,
            flow_name, agent_execution_id, status, error, executed_at, failed_at, created_at""";

    private final Sql sql;

    protected RunResultRepository(Sql sql) {
        this.sql = sql;
    }

    public void insertAll(List<RunResult> results) {
        if (results.isEmpty()) {
            return;
        }
        Object[] columns = new Object[INSERTED_COLUMNS.size()];
        for (int i = 0; i < columns.length; i++) {
            columns[i] = results.stream().map(INSERTED_COLUMNS.get(i)).toArray(String[]::new);
        }
        sql.update(INSERT_ALL, columns);
    }

    /** A page in the order the executions finished; {@code status} null for all. */
    public List<RunResult> page(String organizationId, String runId, @Nullable String status, int limit, int offset) {
        Where where = where(organizationId, runId, status);
        return sql.list("SELECT " + COLUMNS + " FROM schedule_run_results" + where.sql()
                + " ORDER BY executed_at, execution_id LIMIT ? OFFSET ?", RunResult.class, where.paramsThen(limit, offset));
    }

    public long count(String organizationId, String runId, @Nullable String status) {
        Where where = where(organizationId, runId, status);
        return sql.count("SELECT count(*) FROM schedule_run_results" + where.sql(), where.params());
    }

    private static Where where(String organizationId, String runId, @Nullable String status) {
        return Where.of("run_id = ? AND organization_id = ?", runId, organizationId).andIfPresent("status = ?", status);
    }
}
