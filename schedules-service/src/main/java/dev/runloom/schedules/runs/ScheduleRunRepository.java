package dev.runloom.schedules.runs;

import dev.runloom.common.jdbc.Sql;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.Query;
import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.GenericRepository;

import java.time.Instant;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The {@code schedule_runs} table. Reads filter by organization; the writes of a fire or of a poll
 * of batch events are one JDBC batch each. Runs on the caller's transaction.
 */
@JdbcRepository(dialect = Dialect.POSTGRES)
public abstract class ScheduleRunRepository implements GenericRepository<ScheduleRun, String> {
    /**
     * A batch started: the run is running (unless a completion already arrived, events of two
     * topics may come in any order), and learns its batch id, size and start time.
     */
    private static final String APPLY_STARTED = """
            UPDATE schedule_runs SET
                status = CASE WHEN status = 'pending' THEN 'running' ELSE status END,
                total_records = CASE WHEN status IN ('pending', 'running') THEN ? ELSE total_records END,
                batch_execution_id = COALESCE(batch_execution_id, ?),
                started_at = COALESCE(started_at, ?)
            WHERE id = ? AND organization_id = ? AND status <> 'skipped'""";
    /** A batch finished: its counts are authoritative and replace the running tally. */
    private static final String APPLY_FINISHED = """
            UPDATE schedule_runs SET status = ?, total_records = ?, processed_records = ?, failed_records = ?, error = ?,
                batch_execution_id = COALESCE(batch_execution_id, ?), started_at = COALESCE(started_at, ?), completed_at = ?
            WHERE id = ? AND organization_id = ? AND status <> 'skipped'""";

    /** Progress of a run's batch, as flows-service reported it. */
    public record BatchStarted(String runId, String organizationId, String batchId, int totalRecords, Instant startedAt) {
    }

    public record BatchFinished(String runId, String organizationId, String batchId, String status, int totalRecords,
                                int processedRecords, int failedRecords, @Nullable String error,
                                Instant startedAt, Instant completedAt) {
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

    /** Runs this service does not know (or of another organization) are left alone. One JDBC batch. */
    public void applyStarted(List<BatchStarted> started) {
        sql.batch(APPLY_STARTED, started, s -> new Object[]{s.totalRecords(), s.batchId(), s.startedAt(), s.runId(),
                s.organizationId()});
    }

    /** One JDBC batch. */
    public void applyFinished(List<BatchFinished> finished) {
        sql.batch(APPLY_FINISHED, finished, f -> new Object[]{f.status(), f.totalRecords(), f.processedRecords(),
                f.failedRecords(), f.error(), f.batchId(), f.startedAt(), f.completedAt(), f.runId(), f.organizationId()});
    }
}
