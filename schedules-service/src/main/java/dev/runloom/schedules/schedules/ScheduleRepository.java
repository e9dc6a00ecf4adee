package dev.runloom.schedules.schedules;

import dev.runloom.schedules.db.JsonColumns;
import dev.runloom.schedules.db.Sql;
import io.micronaut.data.jdbc.runtime.JdbcOperations;
import jakarta.inject.Singleton;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** The {@code schedules} table. Every method runs on the caller's transaction. */
@Singleton
public class ScheduleRepository {
    private static final String COLUMNS = """
            id, organization_id, user_id, name, flow_id, agent_id, record_type, record_ids, inputs::text AS inputs,
            trigger_type, cron, timezone, run_at, enabled, execution_options::text AS execution_options,
            next_run_at, last_run_at, product_surface_id, created_at, updated_at""";
    private static final String INSERT = """
            INSERT INTO schedules (id, organization_id, user_id, name, flow_id, agent_id, record_type, record_ids, inputs,
                                   trigger_type, cron, timezone, run_at, enabled, execution_options, next_run_at,
                                   last_run_at, product_surface_id, created_at, updated_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?, ?, ?, ?, ?::jsonb, ?, ?, ?, ?, ?)""";
    /**
     * The scheduler's claim. SKIP LOCKED lets any number of scheduler replicas run this at once:
     * a schedule another replica is firing is passed over, and once that replica commits, the
     * schedule's next_run_at is in the future, so no one claims the same fire time again.
     */
    private static final String CLAIM_DUE = "SELECT " + COLUMNS + """
             FROM schedules WHERE enabled AND next_run_at <= ?
            ORDER BY next_run_at LIMIT ? FOR UPDATE SKIP LOCKED""";

    private final JdbcOperations jdbc;
    private final JsonColumns json;

    public ScheduleRepository(JdbcOperations jdbc, JsonColumns json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    public void insert(Schedule s) throws SQLException {
        Connection connection = jdbc.getConnection();
        try (PreparedStatement insert = connection.prepareStatement(INSERT)) {
            insert.setString(1, s.id());
            insert.setString(2, s.organizationId());
            insert.setString(3, s.userId());
            insert.setString(4, s.name());
            insert.setString(5, s.flowId());
            insert.setString(6, s.agentId());
            insert.setString(7, s.recordType());
            insert.setArray(8, s.recordIds() == null ? null : connection.createArrayOf("text", s.recordIds().toArray()));
            insert.setString(9, json.write(s.inputs()));
            insert.setString(10, s.triggerType().stored());
            insert.setString(11, s.cron());
            insert.setString(12, s.timezone());
            Sql.setInstant(insert, 13, s.runAt());
            insert.setBoolean(14, s.enabled());
            insert.setString(15, json.write(s.executionOptions()));
            Sql.setInstant(insert, 16, s.nextRunAt());
            Sql.setInstant(insert, 17, s.lastRunAt());
            insert.setString(18, s.productSurfaceId());
            Sql.setInstant(insert, 19, s.createdAt());
            Sql.setInstant(insert, 20, s.updatedAt());
            insert.executeUpdate();
        }
    }

    public Optional<Schedule> find(String organizationId, String id) throws SQLException {
        return findOne("SELECT " + COLUMNS + " FROM schedules WHERE id = ? AND organization_id = ?", organizationId, id);
    }

    /** Like {@link #find}, and holds the row until commit so a manual fire and the scheduler take turns. */
    public Optional<Schedule> lock(String organizationId, String id) throws SQLException {
        return findOne("SELECT " + COLUMNS + " FROM schedules WHERE id = ? AND organization_id = ? FOR UPDATE",
                organizationId, id);
    }

    /** Due, enabled schedules of every organization, oldest fire time first; locked until commit. */
    public List<Schedule> claimDue(Instant now, int limit) throws SQLException {
        try (PreparedStatement claim = jdbc.getConnection().prepareStatement(CLAIM_DUE)) {
            Sql.setInstant(claim, 1, now);
            claim.setInt(2, limit);
            List<Schedule> due = new ArrayList<>();
            try (ResultSet rows = claim.executeQuery()) {
                while (rows.next()) {
                    due.add(map(rows));
                }
            }
            return due;
        }
    }

    /** Applies the outcome of fires in one JDBC batch. */
    public void advance(List<ScheduleAdvance> advances) throws SQLException {
        if (advances.isEmpty()) {
            return;
        }
        try (PreparedStatement update = jdbc.getConnection().prepareStatement("""
                UPDATE schedules SET next_run_at = ?, enabled = ?, last_run_at = COALESCE(?, last_run_at)
                WHERE id = ?""")) {
            for (ScheduleAdvance advance : advances) {
                Sql.setInstant(update, 1, advance.nextRunAt());
                update.setBoolean(2, advance.enabled());
                Sql.setInstant(update, 3, advance.lastRunAt());
                update.setString(4, advance.scheduleId());
                update.addBatch();
            }
            update.executeBatch();
        }
    }

    private Optional<Schedule> findOne(String sql, String organizationId, String id) throws SQLException {
        try (PreparedStatement select = jdbc.getConnection().prepareStatement(sql)) {
            select.setString(1, id);
            select.setString(2, organizationId);
            try (ResultSet rows = select.executeQuery()) {
                return rows.next() ? Optional.of(map(rows)) : Optional.empty();
            }
        }
    }

    private Schedule map(ResultSet rows) throws SQLException {
        Array recordIds = rows.getArray("record_ids");
        return new Schedule(
                rows.getString("id"),
                rows.getString("organization_id"),
                rows.getString("user_id"),
                rows.getString("name"),
                rows.getString("flow_id"),
                rows.getString("agent_id"),
                rows.getString("record_type"),
                recordIds == null ? null : Arrays.asList((String[]) recordIds.getArray()),
                json.read(rows.getString("inputs")),
                TriggerType.fromStored(rows.getString("trigger_type")),
                rows.getString("cron"),
                rows.getString("timezone"),
                Sql.instant(rows, "run_at"),
                rows.getBoolean("enabled"),
                json.read(rows.getString("execution_options")),
                Sql.instant(rows, "next_run_at"),
                Sql.instant(rows, "last_run_at"),
                rows.getString("product_surface_id"),
                Sql.instant(rows, "created_at"),
                Sql.instant(rows, "updated_at"));
    }
}
