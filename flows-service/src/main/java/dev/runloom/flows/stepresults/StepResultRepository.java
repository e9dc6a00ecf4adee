package dev.runloom.flows.stepresults;

import io.micronaut.data.jdbc.runtime.JdbcOperations;
import io.micronaut.transaction.annotation.Transactional;
import jakarta.inject.Singleton;

import java.math.BigDecimal;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

@Singleton
public class StepResultRepository {
    private static final String COLUMNS = """
            id, organization_id, user_id, flow_id, flow_version_id, batch_id, execution_id, record_id, record_name,
            step_id, step_type, step_name, step_order, status, started_at, completed_at, duration_ms, output_preview,
            resolved_prompt, model_used, prompt_tokens, completion_tokens, total_tokens, estimated_cost,
            input_price_per_million, output_price_per_million, error_message, retry_count, created_at""";

    private final JdbcOperations jdbc;

    public StepResultRepository(JdbcOperations jdbc) {
        this.jdbc = jdbc;
    }

    /** One JDBC batch (rewritten into multi-row INSERTs by the driver), inside the caller's transaction. */
    @Transactional
    public void insertAll(List<StepResult> results) {
        if (results.isEmpty()) {
            return;
        }
        jdbc.prepareStatement("INSERT INTO step_results (" + COLUMNS + ") VALUES ("
                + "?,".repeat(28) + "?)", st -> {
            for (StepResult r : results) {
                int i = 0;
                st.setString(++i, r.id());
                st.setString(++i, r.organizationId());
                st.setString(++i, r.userId());
                st.setString(++i, r.flowId());
                st.setString(++i, r.flowVersionId());
                st.setString(++i, r.batchId());
                st.setString(++i, r.executionId());
                st.setString(++i, r.recordId());
                st.setString(++i, r.recordName());
                st.setString(++i, r.stepId());
                st.setString(++i, r.stepType());
                st.setString(++i, r.stepName());
                st.setInt(++i, r.order());
                st.setString(++i, r.status());
                st.setTimestamp(++i, Timestamp.from(r.startedAt()));
                st.setTimestamp(++i, Timestamp.from(r.completedAt()));
                st.setLong(++i, r.durationMs());
                st.setString(++i, r.outputPreview());
                st.setString(++i, r.resolvedPrompt());
                st.setString(++i, r.modelUsed());
                setLong(st, ++i, r.promptTokens());
                setLong(st, ++i, r.completionTokens());
                setLong(st, ++i, r.totalTokens());
                st.setBigDecimal(++i, r.estimatedCost());
                st.setBigDecimal(++i, r.inputPricePerMillion());
                st.setBigDecimal(++i, r.outputPricePerMillion());
                st.setString(++i, r.errorMessage());
                st.setInt(++i, r.retryCount());
                st.setTimestamp(++i, Timestamp.from(r.createdAt()));
                st.addBatch();
            }
            return st.executeBatch();
        });
    }

    /** A page of a flow's step results; fetches one row more than asked so the caller knows if more exist. */
    @Transactional(readOnly = true)
    public List<StepResult> find(String organizationId, String flowId, StepResultQuery q, int rows) {
        StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM step_results WHERE organization_id = ? AND flow_id = ?");
        List<Object> args = new ArrayList<>(List.of(organizationId, flowId));
        filter(sql, args, "record_id = ?", q.recordId());
        filter(sql, args, "batch_id = ?", q.batchId());
        filter(sql, args, "status = ?", q.status());
        filter(sql, args, "step_id = ?", q.stepId());
        filter(sql, args, "created_at >= ?", q.from() == null ? null : Timestamp.from(q.from()));
        filter(sql, args, "created_at <= ?", q.to() == null ? null : Timestamp.from(q.to()));
        String direction = q.ascending() ? " ASC" : " DESC";
        // the id tie-breaker keeps offsets stable between pages
        sql.append(" ORDER BY ").append(q.sortBy().column).append(direction).append(", id").append(direction)
                .append(" LIMIT ? OFFSET ?");
        args.add(rows);
        args.add(q.offset());
        return jdbc.prepareStatement(sql.toString(), st -> {
            for (int i = 0; i < args.size(); i++) {
                st.setObject(i + 1, args.get(i));
            }
            List<StepResult> results = new ArrayList<>();
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    results.add(read(rs));
                }
            }
            return results;
        });
    }

    private static void filter(StringBuilder sql, List<Object> args, String condition, Object value) {
        if (value != null) {
            sql.append(" AND ").append(condition);
            args.add(value);
        }
    }

    private static StepResult read(ResultSet rs) throws SQLException {
        return new StepResult(rs.getString("id"), rs.getString("organization_id"), rs.getString("user_id"),
                rs.getString("flow_id"), rs.getString("flow_version_id"), rs.getString("batch_id"),
                rs.getString("execution_id"), rs.getString("record_id"), rs.getString("record_name"),
                rs.getString("step_id"), rs.getString("step_type"), rs.getString("step_name"), rs.getInt("step_order"),
                rs.getString("status"), instant(rs, "started_at"), instant(rs, "completed_at"), rs.getLong("duration_ms"),
                rs.getString("output_preview"), rs.getString("resolved_prompt"), rs.getString("model_used"),
                nullableLong(rs, "prompt_tokens"), nullableLong(rs, "completion_tokens"), nullableLong(rs, "total_tokens"),
                decimal(rs, "estimated_cost"), decimal(rs, "input_price_per_million"),
                decimal(rs, "output_price_per_million"), rs.getString("error_message"), rs.getInt("retry_count"),
                instant(rs, "created_at"));
    }

    private static void setLong(PreparedStatement st, int index, Long value) throws SQLException {
        if (value == null) {
            st.setNull(index, Types.BIGINT);
        } else {
            st.setLong(index, value);
        }
    }

    private static Long nullableLong(ResultSet rs, String column) throws SQLException {
        long value = rs.getLong(column);
        return rs.wasNull() ? null : value;
    }

    /** NUMERIC(24,10) comes back with ten decimals; the trailing zeros say nothing. */
    private static BigDecimal decimal(ResultSet rs, String column) throws SQLException {
        BigDecimal value = rs.getBigDecimal(column);
        return value == null ? null : value.stripTrailingZeros();
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        return rs.getTimestamp(column).toInstant();
    }
}
