package dev.runloom.schedules.runs;

import dev.runloom.schedules.db.Sql;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.jdbc.runtime.JdbcOperations;
import jakarta.inject.Singleton;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** The {@code schedule_runs} table. Every method runs on the caller's transaction. */
@Singleton
public class ScheduleRunRepository {
    private static final String COLUMNS = """
            id, schedule_id, organization_id, status, trigger, flow_id, agent_id, batch_execution_id, agent_execution_id,
            total_records, processed_records, failed_records, error, scheduled_for, started_at, completed_at, created_at""";
    private static final String INSERT = "INSERT INTO schedule_runs (" + COLUMNS + """
            ) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""";
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

    private final JdbcOperations jdbc;

    public ScheduleRunRepository(JdbcOperations jdbc) {
        this.jdbc = jdbc;
    }

    /** One JDBC batch (a multi-row INSERT with reWriteBatchedInserts). */
    public void insertAll(List<ScheduleRun> runs) throws SQLException {
        if (runs.isEmpty()) {
            return;
        }
        try (PreparedStatement insert = jdbc.getConnection().prepareStatement(INSERT)) {
            for (ScheduleRun run : runs) {
                insert.setString(1, run.id());
                insert.setString(2, run.scheduleId());
                insert.setString(3, run.organizationId());
                insert.setString(4, run.status());
                insert.setString(5, run.trigger());
                insert.setString(6, run.flowId());
                insert.setString(7, run.agentId());
                insert.setString(8, run.batchExecutionId());
                insert.setString(9, run.agentExecutionId());
                insert.setInt(10, run.totalRecords());
                insert.setInt(11, run.processedRecords());
                insert.setInt(12, run.failedRecords());
                insert.setString(13, run.error());
                Sql.setInstant(insert, 14, run.scheduledFor());
                Sql.setInstant(insert, 15, run.startedAt());
                Sql.setInstant(insert, 16, run.completedAt());
                Sql.setInstant(insert, 17, run.createdAt());
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }

    /** Which of these schedules have a pending or running run created after {@code activeSince}. */
    public Set<String> schedulesWithActiveRun(Collection<String> scheduleIds, Instant activeSince) throws SQLException {
        Set<String> busy = new HashSet<>();
        if (scheduleIds.isEmpty()) {
            return busy;
        }
        Connection connection = jdbc.getConnection();
        try (PreparedStatement select = connection.prepareStatement("""
                SELECT DISTINCT schedule_id FROM schedule_runs
                WHERE schedule_id = ANY (?) AND status IN ('pending', 'running') AND created_at > ?""")) {
            select.setArray(1, connection.createArrayOf("text", scheduleIds.toArray()));
            Sql.setInstant(select, 2, activeSince);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    busy.add(rows.getString(1));
                }
            }
        }
        return busy;
    }

    public Optional<ScheduleRun> find(String organizationId, String runId) throws SQLException {
        try (PreparedStatement select = jdbc.getConnection().prepareStatement(
                "SELECT " + COLUMNS + " FROM schedule_runs WHERE id = ? AND organization_id = ?")) {
            select.setString(1, runId);
            select.setString(2, organizationId);
            try (ResultSet rows = select.executeQuery()) {
                return rows.next() ? Optional.of(map(rows)) : Optional.empty();
            }
        }
    }

    /** Newest first. */
    public List<ScheduleRun> listForSchedule(String organizationId, String scheduleId, int limit) throws SQLException {
        try (PreparedStatement select = jdbc.getConnection().prepareStatement("SELECT " + COLUMNS + """
                 FROM schedule_runs WHERE schedule_id = ? AND organization_id = ?
                ORDER BY created_at DESC, id DESC LIMIT ?""")) {
            select.setString(1, scheduleId);
            select.setString(2, organizationId);
            select.setInt(3, limit);
            List<ScheduleRun> runs = new ArrayList<>();
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    runs.add(map(rows));
                }
            }
            return runs;
        }
    }

    /** Runs this service does not know (or of another organization) are left alone. */
    public void applyStarted(List<BatchStarted> started) throws SQLException {
        if (started.isEmpty()) {
            return;
        }
        try (PreparedStatement update = jdbc.getConnection().prepareStatement(APPLY_STARTED)) {
            for (BatchStarted s : started) {
                update.setInt(1, s.totalRecords());
                update.setString(2, s.batchId());
                Sql.setInstant(update, 3, s.startedAt());
                update.setString(4, s.runId());
                update.setString(5, s.organizationId());
                update.addBatch();
            }
            update.executeBatch();
        }
    }

    public void applyFinished(List<BatchFinished> finished) throws SQLException {
        if (finished.isEmpty()) {
            return;
        }
        try (PreparedStatement update = jdbc.getConnection().prepareStatement(APPLY_FINISHED)) {
            for (BatchFinished f : finished) {
                update.setString(1, f.status());
                update.setInt(2, f.totalRecords());
                update.setInt(3, f.processedRecords());
                update.setInt(4, f.failedRecords());
                update.setString(5, f.error());
                update.setString(6, f.batchId());
                Sql.setInstant(update, 7, f.startedAt());
                Sql.setInstant(update, 8, f.completedAt());
                update.setString(9, f.runId());
                update.setString(10, f.organizationId());
                update.addBatch();
            }
            update.executeBatch();
        }
    }

    private static ScheduleRun map(ResultSet rows) throws SQLException {
        return new ScheduleRun(
                rows.getString("id"),
                rows.getString("schedule_id"),
                rows.getString("organization_id"),
                rows.getString("status"),
                rows.getString("trigger"),
                rows.getString("flow_id"),
                rows.getString("agent_id"),
                rows.getString("batch_execution_id"),
                rows.getString("agent_execution_id"),
                rows.getInt("total_records"),
                rows.getInt("processed_records"),
                rows.getInt("failed_records"),
                rows.getString("error"),
                Sql.instant(rows, "scheduled_for"),
                Sql.instant(rows, "started_at"),
                Sql.instant(rows, "completed_at"),
                Sql.instant(rows, "created_at"));
    }
}
