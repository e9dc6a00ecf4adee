package dev.runloom.agents.executions;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.jdbc.runtime.JdbcOperations;
import io.micronaut.json.JsonMapper;
import jakarta.inject.Singleton;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * Plain SQL over {@code agent_executions} and {@code agent_iterations}; every statement is scoped to
 * the organization. Lists page by keyset on {@code (created_at, id)}, newest first, so a deep page costs
 * what the first one costs.
 */
@Singleton
public class ExecutionRepository {
    private static final String INSERT = """
            INSERT INTO agent_executions (id, agent_id, organization_id, user_id, agent_source, parent_execution_id,
                                          surface_type, status, started_at, created_at, agent_spec, input_messages)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?::jsonb)""";
    private static final String FINISH = """
            UPDATE agent_executions
            SET status = ?, iterations = ?, total_tokens = ?, total_cost = ?, stop_reason = ?, error_message = ?,
                final_output = ?, completed_at = ?
            WHERE organization_id = ? AND id = ?""";
    private static final String INSERT_ITERATION = """
            INSERT INTO agent_iterations (execution_id, iteration, organization_id, model, prompt_tokens,
                                          completion_tokens, cached_prompt_tokens, total_tokens, cost,
                                          price_input_per_million, price_output_per_million,
                                          price_cached_input_per_million, finish_reason, output, tool_calls,
                                          duration_ms, started_at, completed_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""";
    private static final String LIST_COLUMNS = """
            id, agent_id, organization_id, agent_source, parent_execution_id, surface_type, status, iterations,
            total_tokens, total_cost, stop_reason, started_at, completed_at, created_at""";

    /** A row's place in the list order. */
    public record Position(Instant createdAt, String id) {
    }

    private final JdbcOperations jdbc;
    private final JsonMapper json;

    public ExecutionRepository(JdbcOperations jdbc, JsonMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    public void insertRunning(NewExecution execution) {
        jdbc.prepareStatement(INSERT, statement -> {
            statement.setString(1, execution.id());
            statement.setString(2, execution.agentId());
            statement.setString(3, execution.organizationId());
            statement.setString(4, execution.userId());
            statement.setString(5, execution.agentSource());
            statement.setString(6, execution.parentExecutionId());
            statement.setString(7, execution.surfaceType());
            statement.setString(8, ExecutionStatus.RUNNING);
            statement.setObject(9, utc(execution.startedAt()));
            statement.setObject(10, utc(execution.startedAt()));
            statement.setString(11, toJson(execution.agentSpec()));
            statement.setString(12, toJson(execution.inputMessages()));
            return statement.executeUpdate();
        });
    }

    public void finish(String organizationId, String executionId, ExecutionResult result) {
        jdbc.prepareStatement(FINISH, statement -> {
            statement.setString(1, result.status());
            statement.setInt(2, result.iterations());
            statement.setLong(3, result.totalTokens());
            statement.setBigDecimal(4, result.totalCost());
            statement.setString(5, result.stopReason());
            statement.setString(6, result.errorMessage());
            statement.setString(7, result.finalOutput());
            statement.setObject(8, utc(result.completedAt()));
            statement.setString(9, organizationId);
            statement.setString(10, executionId);
            if (statement.executeUpdate() != 1) {
                throw new IllegalStateException("execution " + executionId + " vanished while running");
            }
            return null;
        });
    }

    /** All iterations of an execution in one JDBC batch. */
    public void insertIterations(List<ExecutionIteration> iterations) {
        if (iterations.isEmpty()) {
            return;
        }
        jdbc.prepareStatement(INSERT_ITERATION, statement -> {
            for (ExecutionIteration it : iterations) {
                statement.setString(1, it.executionId());
                statement.setInt(2, it.iteration());
                statement.setString(3, it.organizationId());
                statement.setString(4, it.model());
                statement.setLong(5, it.usage().promptTokens());
                statement.setLong(6, it.usage().completionTokens());
                statement.setLong(7, it.usage().cachedPromptTokens());
                statement.setLong(8, it.usage().totalTokens());
                statement.setBigDecimal(9, it.cost());
                statement.setBigDecimal(10, it.price().inputPerMillion());
                statement.setBigDecimal(11, it.price().outputPerMillion());
                statement.setBigDecimal(12, it.price().cachedInputPerMillion());
                statement.setString(13, it.finishReason());
                statement.setString(14, it.output());
                statement.setInt(15, it.toolCalls());
                statement.setLong(16, it.durationMs());
                statement.setObject(17, utc(it.startedAt()));
                statement.setObject(18, utc(it.completedAt()));
                statement.addBatch();
            }
            return statement.executeBatch();
        });
    }

    /** Up to {@code limit} matching rows strictly after {@code after} (from the top when null), newest first. */
    public List<AgentExecution> listAfter(ExecutionFilter filter, @Nullable Position after, int limit) {
        Where where = where(filter);
        if (after != null) {
            where.and("(created_at, id) < (?, ?)", utc(after.createdAt()), after.id());
        }
        String sql = "SELECT " + LIST_COLUMNS + " FROM agent_executions" + where.sql()
                + " ORDER BY created_at DESC, id DESC LIMIT ?";
        return jdbc.prepareStatement(sql, statement -> {
            int next = where.bind(statement);
            statement.setInt(next, limit);
            List<AgentExecution> rows = new ArrayList<>();
            try (ResultSet row = statement.executeQuery()) {
                while (row.next()) {
                    rows.add(read(row));
                }
            }
            return rows;
        });
    }

    /**
     * Positions of up to {@code limit} matching rows that come before {@code position} in list order,
     * the position's own row included, nearest first: what a client paging backwards has already seen.
     */
    public List<Position> listUpTo(ExecutionFilter filter, Position position, int limit) {
        Where where = where(filter);
        where.and("(created_at, id) >= (?, ?)", utc(position.createdAt()), position.id());
        String sql = "SELECT created_at, id FROM agent_executions" + where.sql()
                + " ORDER BY created_at ASC, id ASC LIMIT ?";
        return jdbc.prepareStatement(sql, statement -> {
            int next = where.bind(statement);
            statement.setInt(next, limit);
            List<Position> positions = new ArrayList<>();
            try (ResultSet row = statement.executeQuery()) {
                while (row.next()) {
                    positions.add(new Position(row.getObject(1, OffsetDateTime.class).toInstant(), row.getString(2)));
                }
            }
            return positions;
        });
    }

    public long count(ExecutionFilter filter) {
        Where where = where(filter);
        return jdbc.prepareStatement("SELECT count(*) FROM agent_executions" + where.sql(), statement -> {
            where.bind(statement);
            try (ResultSet row = statement.executeQuery()) {
                row.next();
                return row.getLong(1);
            }
        });
    }

    private static Where where(ExecutionFilter filter) {
        Where where = new Where();
        where.and("organization_id = ?", filter.organizationId());
        if (!filter.crossAgent()) {
            where.and("agent_id = ?", filter.agentId());
        }
        if (filter.parentExecutionId() != null) {
            where.and("parent_execution_id = ?", filter.parentExecutionId());
        }
        if (filter.executionId() != null) {
            where.and("id = ?", filter.executionId());
        }
        if (filter.status() != null) {
            where.and("status = ?", filter.status());
        }
        if (filter.surfaceType() != null) {
            where.and("surface_type = ?", filter.surfaceType());
        }
        if (filter.from() != null) {
            where.and("created_at >= ?", utc(filter.from()));
        }
        if (filter.to() != null) {
            where.and("created_at < ?", utc(filter.to()));
        }
        return where;
    }

    private static AgentExecution read(ResultSet row) throws SQLException {
        BigDecimal cost = row.getBigDecimal(10);
        OffsetDateTime completedAt = row.getObject(13, OffsetDateTime.class);
        return new AgentExecution(row.getString(1), row.getString(2), row.getString(3), row.getString(4),
                row.getString(5), row.getString(6), row.getString(7), row.getInt(8), row.getLong(9),
                cost.stripTrailingZeros(), row.getString(11), row.getObject(12, OffsetDateTime.class).toInstant(),
                completedAt == null ? null : completedAt.toInstant(), row.getObject(14, OffsetDateTime.class).toInstant());
    }

    /** Bound as {@code timestamptz}: an {@link OffsetDateTime} is not shifted by the JVM's time zone. */
    private static OffsetDateTime utc(Instant instant) {
        return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }

    private String toJson(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A WHERE clause built from fixed fragments and its bind values, in order. */
    private static final class Where {
        private final List<String> conditions = new ArrayList<>();
        private final List<Object> values = new ArrayList<>();

        void and(String condition, Object... conditionValues) {
            conditions.add(condition);
            values.addAll(List.of(conditionValues));
        }

        String sql() {
            return conditions.isEmpty() ? "" : " WHERE " + String.join(" AND ", conditions);
        }

        /** Binds the values and returns the next free parameter index. */
        int bind(PreparedStatement statement) throws SQLException {
            int index = 1;
            for (Object value : values) {
                statement.setObject(index++, value);
            }
            return index;
        }
    }
}
