package dev.runloom.flows.batches;

import io.micronaut.data.jdbc.runtime.JdbcOperations;
import io.micronaut.transaction.annotation.Transactional;
import jakarta.inject.Singleton;

import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Optional;

@Singleton
public class BatchRepository {
    private static final String COLUMNS = """
            id, organization_id, user_id, flow_id, flow_version_id, record_type, schedule_run_id, executed_immediately,
            status, total_records, processed_records, failed_records, total_cost, error, started_at, completed_at""";

    private final JdbcOperations jdbc;

    public BatchRepository(JdbcOperations jdbc) {
        this.jdbc = jdbc;
    }

    @Transactional
    public void insert(Batch b) {
        jdbc.prepareStatement("INSERT INTO batches (" + COLUMNS + ") VALUES (" + "?,".repeat(15) + "?)", st -> {
            int i = 0;
            st.setString(++i, b.id());
            st.setString(++i, b.organizationId());
            st.setString(++i, b.userId());
            st.setString(++i, b.flowId());
            st.setString(++i, b.flowVersionId());
            st.setString(++i, b.recordType());
            st.setString(++i, b.scheduleRunId());
            st.setBoolean(++i, b.executedImmediately());
            st.setString(++i, b.status());
            st.setInt(++i, b.totalRecords());
            st.setInt(++i, b.processedRecords());
            st.setInt(++i, b.failedRecords());
            st.setBigDecimal(++i, b.totalCost());
            st.setString(++i, b.error());
            st.setTimestamp(++i, Timestamp.from(b.startedAt()));
            st.setTimestamp(++i, b.completedAt() == null ? null : Timestamp.from(b.completedAt()));
            return st.executeUpdate();
        });
    }

    @Transactional(readOnly = true)
    public Optional<Batch> find(String organizationId, String batchId) {
        return jdbc.prepareStatement("SELECT " + COLUMNS + " FROM batches WHERE organization_id = ? AND id = ?", st -> {
            st.setString(1, organizationId);
            st.setString(2, batchId);
            try (ResultSet rs = st.executeQuery()) {
                return rs.next() ? Optional.of(read(rs)) : Optional.<Batch>empty();
            }
        });
    }

    /**
     * Adds one poll's worth of finished records to the counters (one statement per batch per poll);
     * the row lock serialises concurrent consumers, so exactly one of them sees the last record land.
     */
    @Transactional
    public Optional<Batch> addProgress(String organizationId, String batchId, int processed, int failed, BigDecimal cost) {
        return jdbc.prepareStatement("""
                UPDATE batches SET processed_records = processed_records + ?, failed_records = failed_records + ?,
                    total_cost = total_cost + ?, status = CASE WHEN status = 'queued' THEN 'running' ELSE status END
                WHERE organization_id = ? AND id = ? RETURNING\s""" + COLUMNS, st -> {
            st.setInt(1, processed);
            st.setInt(2, failed);
            st.setBigDecimal(3, cost);
            st.setString(4, organizationId);
            st.setString(5, batchId);
            try (ResultSet rs = st.executeQuery()) {
                return rs.next() ? Optional.of(read(rs)) : Optional.<Batch>empty();
            }
        });
    }

    /** Marks a batch whose every record was processed as finished; empty if it already was (or is not done). */
    @Transactional
    public Optional<Batch> complete(String organizationId, String batchId, Instant completedAt) {
        return jdbc.prepareStatement("""
                UPDATE batches SET completed_at = ?,
                    status = CASE WHEN failed_records = 0 THEN 'completed'
                                  WHEN failed_records >= total_records THEN 'failed' ELSE 'partial' END
                WHERE organization_id = ? AND id = ? AND completed_at IS NULL AND processed_records >= total_records
                RETURNING\s""" + COLUMNS, st -> {
            st.setTimestamp(1, Timestamp.from(completedAt));
            st.setString(2, organizationId);
            st.setString(3, batchId);
            try (ResultSet rs = st.executeQuery()) {
                return rs.next() ? Optional.of(read(rs)) : Optional.<Batch>empty();
            }
        });
    }

    private static Batch read(ResultSet rs) throws SQLException {
        Timestamp completed = rs.getTimestamp("completed_at");
        return new Batch(rs.getString("id"), rs.getString("organization_id"), rs.getString("user_id"),
                rs.getString("flow_id"), rs.getString("flow_version_id"), rs.getString("record_type"),
                rs.getString("schedule_run_id"), rs.getBoolean("executed_immediately"), rs.getString("status"),
                rs.getInt("total_records"), rs.getInt("processed_records"), rs.getInt("failed_records"),
                rs.getBigDecimal("total_cost").stripTrailingZeros(), rs.getString("error"),
                rs.getTimestamp("started_at").toInstant(), completed == null ? null : completed.toInstant());
    }
}
