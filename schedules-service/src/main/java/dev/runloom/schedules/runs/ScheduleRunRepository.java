package dev.runloom.schedules.runs;

import dev.runloom.common.jdbc.Sql;
import dev.runloom.common.jdbc.Where;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.Query;
import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.GenericRepository;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The {@code schedule_runs} table. Reads filter by organization; the writes of a fire or of a poll
 * of batch or agent events are one JDBC batch each. Runs on the caller's transaction.
 */
@JdbcRepository(dialect = Dialect.POSTGRES)
public abstract class ScheduleRunRepository implements GenericRepository<ScheduleRun, String> {
    /**
     * A batch started: the run is running (unless a completion already arrived, events of two
     * topics may come in any order), and learns its batch id, size and start time.
     */
    private static final String APPLY_STARTED = """
            UPDATE schedule_runs r SET
                status = CASE WHEN r.status = 'pending' THEN 'running' ELSE r.status END,
                total_records = CASE WHEN r.status IN ('pending', 'running') THEN b.total_records::int ELSE r.total_records END,
                batch_execution_id = COALESCE(r.batch_execution_id, b.batch_id),
                started_at = COALESCE(r.started_at, b.started_at::timestamptz)
            FROM unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::text[])
                 AS b(run_id, organization_id, batch_id, total_records, started_at)
            WHERE r.id = b.run_id AND r.organization_id = b.organization_id AND r.status <> 'skipped'""";
    /** A batch finished: its counts are authoritative and replace the running tally. */
    private static final String APPLY_FINISHED = """
            UPDATE schedule_runs r SET status = b.status, total_records = b.total_records::int,
                processed_records = b.processed_records::int, failed_records = b.failed_records::int, error = b.error,
                batch_execution_id = COALESCE(r.batch_execution_id, b.batch_id),
                started_at = COALESCE(r.started_at, b.started_at::timestamptz), completed_at = b.completed_at::timestamptz
            FROM unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[],
                        ?::text[])
                 AS b(run_id, organization_id, status, total_records, processed_records, failed_records, error, batch_id,
                      started_at, completed_at)
            WHERE r.id = b.run_id AND r.organization_id = b.organization_id AND r.status <> 'skipped'""";

    /**
     * An agent execution ended: its outcome, tokens and cost. Counters stay 0: an agent run has no
     * per-record results, and the counters always agree with the results endpoint.
     */
    private static final String APPLY_AGENT_FINISHED = """
            UPDATE schedule_runs SET status = ?, error = ?, total_tokens = ?, total_cost = ?,
                agent_execution_id = COALESCE(agent_execution_id, ?), started_at = COALESCE(started_at, ?), completed_at = ?
            WHERE id = ? AND organization_id = ? AND status <> 'skipped'""";
    /**
     * A schedule's statistics: runs that ran (skipped fires are not runs), successes
     * ({@code completed}), failures ({@code failed}, {@code partial}), the mean duration of finished runs.
     */
    private static final String STATS = """
            SELECT count(*) FILTER (WHERE status <> 'skipped') AS total_runs,
                   count(*) FILTER (WHERE status = 'completed') AS successful_runs,
                   count(*) FILTER (WHERE status IN ('failed', 'partial')) AS failed_runs,
                   CAST(round(avg(EXTRACT(EPOCH FROM (completed_at - started_at)) * 1000)
                        FILTER (WHERE status IN ('completed', 'failed', 'partial')
                                AND started_at IS NOT NULL AND completed_at IS NOT NULL)) AS BIGINT) AS avg_duration_ms
            FROM schedule_runs WHERE organization_id = ? AND schedule_id = ?""";
    private static final String DAILY_OUTCOMES_SELECT = """
            SELECT schedule_id, to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day,
                   count(*) FILTER (WHERE status = 'completed') AS success,
                   count(*) FILTER (WHERE status IN ('failed', 'partial')) AS failed
            FROM schedule_runs""";

    /** Progress of a run's batch, as flows-service reported it. */
    public record BatchStarted(String runId, String organizationId, String batchId, int totalRecords, Instant startedAt) {
    }

    public record BatchFinished(String runId, String organizationId, String batchId, String status, int totalRecords,
                                int processedRecords, int failedRecords, @Nullable String error,
                                Instant startedAt, Instant completedAt) {
    }

    public record AgentFinished(String runId, String organizationId, String executionId, String status,
                                @Nullable String error, long totalTokens, @Nullable BigDecimal totalCost,
                                Instant startedAt, Instant completedAt) {
    }

    /** The filters of {@code GET /v1/schedules/runs}; null for "any". {@code from} inclusive, {@code to} exclusive. */
    public record RunFilter(@Nullable String status, @Nullable String scheduleId, @Nullable Instant from,
                            @Nullable Instant to) {
    }

    public record RunStats(long totalRuns, long successfulRuns, long failedRuns, @Nullable Long avgDurationMs) {
    }

    /** Finished runs of one schedule on one UTC day ({@code date} as {@code yyyy-MM-dd}). */
    public record DayOutcomes(String scheduleId, String date, long success, long failed) {
    }

    private final Sql sql;

    protected ScheduleRunRepository(Sql sql) {
        this.sql = sql;
    }

    /** One JDBC batch (a multi-row INSERT with reWriteBatchedInserts). */
    protected abstract List<ScheduleRun> saveAll(Iterable<ScheduleRun> runs);

    public void insertAll(List<ScheduleRun> runs) {
        if (!runs.isEmpty()) {
            saveAll(runs);
        }
    }

    public abstract Optional<ScheduleRun> findByOrganizationIdAndId(String organizationId, String id);

    public abstract boolean existsByOrganizationIdAndId(String organizationId, String id);

    public abstract Optional<ScheduleRun> findByOrganizationIdAndBatchExecutionId(String organizationId,
                                                                               String batchExecutionId);

    /** Newest first. */
    @Query("""
            SELECT * FROM schedule_runs WHERE schedule_id = :scheduleId AND organization_id = :organizationId
            ORDER BY created_at DESC, id DESC LIMIT :limit""")
    public abstract List<ScheduleRun> listForSchedule(String organizationId, String scheduleId, int limit);

    @Query("""
            SELECT DISTINCT schedule_id FROM schedule_runs
            WHERE schedule_id IN (:scheduleIds) AND status IN ('pending', 'running') AND created_at > :activeSince""")
    protected abstract List<String> findActiveScheduleIds(Collection<String> scheduleIds, Instant activeSince);

    /** Which of these schedules have a pending or running run created after {@code activeSince}. */
    public Set<String> schedulesWithActiveRun(Collection<String> scheduleIds, Instant activeSince) {
        return scheduleIds.isEmpty() ? new HashSet<>() : new HashSet<>(findActiveScheduleIds(scheduleIds, activeSince));
    }

    /** Runs this service does not know (or of another organization) are left alone. One statement for the poll. */
    public void applyStarted(List<BatchStarted> started) {
        if (started.isEmpty()) {
            return;
        }
        sql.update(APPLY_STARTED, (Object[]) columns(started, b -> new Object[]{b.runId(), b.organizationId(),
                b.batchId(), b.totalRecords(), b.startedAt()}));
    }

    /** One statement for the poll. */
    public void applyFinished(List<BatchFinished> finished) {
        if (finished.isEmpty()) {
            return;
        }
        sql.update(APPLY_FINISHED, (Object[]) columns(finished, f -> new Object[]{f.runId(), f.organizationId(),
                f.status(), f.totalRecords(), f.processedRecords(), f.failedRecords(), f.error(), f.batchId(),
                f.startedAt(), f.completedAt()}));
    }

    /**
     * Rows as text columns for an {@code unnest(?::text[], …)} statement: one statement and one
     * round trip for a whole poll's worth of rows, whatever its size.
     */
    private static <T> String[][] columns(List<T> rows, java.util.function.Function<T, Object[]> values) {
        String[][] columns = null;
        for (int row = 0; row < rows.size(); row++) {
            Object[] v = values.apply(rows.get(row));
            if (columns == null) {
                columns = new String[v.length][rows.size()];
            }
            for (int column = 0; column < v.length; column++) {
                columns[column][row] = v[column] == null ? null : v[column].toString();
            }
        }
        return columns;
    }

    /** One JDBC batch. */
    public void applyAgentFinished(List<AgentFinished> finished) {
        sql.batch(APPLY_AGENT_FINISHED, finished, f -> new Object[]{f.status(), f.error(), f.totalTokens(),
                f.totalCost(), f.executionId(), f.startedAt(), f.completedAt(), f.runId(), f.organizationId()});
    }

    /** Runs of every schedule of the organization, newest first. */
    public List<ScheduleRun> page(String organizationId, RunFilter filter, int limit, int offset) {
        Where where = where(organizationId, filter);
        return sql.list("SELECT * FROM schedule_runs" + where.sql() + " ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?",
                ScheduleRun.class, where.paramsThen(limit, offset));
    }

    public long count(String organizationId, RunFilter filter) {
        Where where = where(organizationId, filter);
        return sql.count("SELECT count(*) FROM schedule_runs" + where.sql(), where.params());
    }

    public RunStats stats(String organizationId, String scheduleId) {
        return sql.first(STATS, row -> new RunStats(row.longValue("total_runs"), row.longValue("successful_runs"),
                        row.longValue("failed_runs"), row.nullableLong("avg_duration_ms")), organizationId, scheduleId)
                .orElseThrow();
    }

    /**
     * Finished runs per schedule and UTC day since {@code from} (by the run's creation, i.e. its fire
     * time), only for {@code scheduleIds} when given; days without finished runs are absent.
     */
    public List<DayOutcomes> dailyOutcomes(String organizationId, @Nullable List<String> scheduleIds, Instant from) {
        Where where = Where.of("organization_id = ? AND created_at >= ?", organizationId, from)
                .and("status IN ('completed', 'failed', 'partial')")
                .andIfPresent("schedule_id = ANY (?)", scheduleIds == null ? null : scheduleIds.toArray(String[]::new));
        return sql.list(DAILY_OUTCOMES_SELECT + where.sql() + " GROUP BY 1, 2",
                row -> new DayOutcomes(row.string("schedule_id"), row.string("day"), row.longValue("success"),
                        row.longValue("failed")), where.params());
    }

    private static Where where(String organizationId, RunFilter filter) {
        return Where.of("organization_id = ?", organizationId)
                .andIfPresent("status = ?", filter.status())
                .andIfPresent("schedule_id = ?", filter.scheduleId())
                .andIfPresent("created_at >= ?", filter.from())
                .andIfPresent("created_at < ?", filter.to());
    }
}
