package dev.runloom.records.results;

import io.micronaut.core.type.Argument;
import io.micronaut.data.jdbc.runtime.JdbcOperations;
import io.micronaut.json.JsonMapper;
import jakarta.inject.Singleton;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/** SQL for the {@code record_results} projection. Every read filters by organization. */
@Singleton
public class RecordResultRepository {
    /*
     * One statement for a whole poll's worth of rows: each column travels as one text array and
     * unnest() zips them back into rows. The SQL text never changes with the batch size (one
     * prepared statement, no 65535-parameter ceiling). ON CONFLICT is the second line of defence
     * after the inbox: a result id is stored once however often its event arrives.
     */
    private static final String INSERT_ALL = """
            INSERT INTO record_results (id, organization_id, record_id, execution_id, batch_id, schedule_run_id,
                                        flow_id, flow_name, prompt_id, prompt_name, status, result, model,
                                        prompt_tokens, completion_tokens, cost, created_at)
            SELECT id, organization_id, record_id, execution_id, batch_id, schedule_run_id,
                   flow_id, flow_name, prompt_id, prompt_name, status, result::jsonb, model,
                   prompt_tokens::bigint, completion_tokens::bigint, cost::numeric, created_at::timestamptz
            FROM unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[],
                        ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[],
                        ?::text[])
                 AS r(id, organization_id, record_id, execution_id, batch_id, schedule_run_id,
                      flow_id, flow_name, prompt_id, prompt_name, status, result, model,
                      prompt_tokens, completion_tokens, cost, created_at)
            ON CONFLICT (id) DO NOTHING""";
    private static final int COLUMN_COUNT = 17;
    private static final String SELECT =
            "SELECT id, organization_id, record_id, execution_id, batch_id, schedule_run_id, flow_id, flow_name, "
                    + "prompt_id, prompt_name, status, result::text, model, prompt_tokens, completion_tokens, cost, created_at "
                    + "FROM record_results ";

    private final JdbcOperations jdbc;
    private final JsonMapper json;

    public RecordResultRepository(JdbcOperations jdbc, JsonMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    /** @return how many rows were new */
    public int insertAll(List<RecordResult> results) {
        if (results.isEmpty()) {
            return 0;
        }
        String[][] columns = new String[COLUMN_COUNT][results.size()];
        for (int row = 0; row < results.size(); row++) {
            RecordResult r = results.get(row);
            String[] values = {r.id(), r.organizationId(), r.recordId(), r.executionId(), r.batchId(), r.scheduleRunId(),
                    r.flowId(), r.flowName(), r.promptId(), r.promptName(), r.status(),
                    r.result() == null ? null : toJson(r.result()), r.model(),
                    Long.toString(r.promptTokens()), Long.toString(r.completionTokens()), r.cost().toPlainString(),
                    r.createdAt().toString()};
            for (int column = 0; column < COLUMN_COUNT; column++) {
                columns[column][row] = values[column];
            }
        }
        return jdbc.prepareStatement(INSERT_ALL, ps -> {
            Connection connection = ps.getConnection();
            for (int column = 0; column < COLUMN_COUNT; column++) {
                ps.setArray(column + 1, connection.createArrayOf("text", columns[column]));
            }
            return ps.executeUpdate();
        });
    }

    public List<RecordResult> find(String organizationId, RecordResultQuery query, int limit, long offset) {
        List<Object> params = new ArrayList<>();
        String sql = SELECT + where(organizationId, query, params) + orderBy(query) + " LIMIT ? OFFSET ?";
        params.add(limit);
        params.add(offset);
        return jdbc.prepareStatement(sql, ps -> {
            bind(ps, params);
            List<RecordResult> rows = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(read(rs));
                }
            }
            return rows;
        });
    }

    public long count(String organizationId, RecordResultQuery query) {
        List<Object> params = new ArrayList<>();
        String sql = "SELECT count(*) FROM record_results " + where(organizationId, query, params);
        return jdbc.prepareStatement(sql, ps -> {
            bind(ps, params);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }

    private static String where(String organizationId, RecordResultQuery query, List<Object> params) {
        StringBuilder sql = new StringBuilder("WHERE organization_id = ? AND record_id = ?");
        params.add(organizationId);
        params.add(query.recordId());
        if (query.status() != null) {
            sql.append(" AND status = ?");
            params.add(query.status());
        }
        if (query.promptId() != null) {
            sql.append(" AND prompt_id = ?");
            params.add(query.promptId());
        }
        if (query.flowId() != null) {
            sql.append(" AND flow_id = ?");
            params.add(query.flowId());
        }
        if (query.from() != null) {
            sql.append(" AND created_at >= ?");
            params.add(query.from().atOffset(ZoneOffset.UTC));
        }
        if (query.to() != null) {
            sql.append(" AND created_at <= ?");
            params.add(query.to().atOffset(ZoneOffset.UTC));
        }
        return sql.toString();
    }

    /** Ties broken by creation time then id, so pages never overlap or skip rows. */
    private static String orderBy(RecordResultQuery query) {
        String direction = query.ascending() ? "ASC" : "DESC";
        String timeAndId = "created_at " + direction + ", id " + direction;
        return switch (query.sortBy()) {
            case CREATED_AT -> " ORDER BY " + timeAndId;
            case STATUS -> " ORDER BY status " + direction + ", " + timeAndId;
        };
    }

    private static void bind(PreparedStatement ps, List<Object> params) throws SQLException {
        for (int i = 0; i < params.size(); i++) {
            Object value = params.get(i);
            if (value instanceof Long l) {
                ps.setLong(i + 1, l);
            } else if (value instanceof Integer n) {
                ps.setInt(i + 1, n);
            } else {
                ps.setObject(i + 1, value);
            }
        }
    }

    private RecordResult read(ResultSet rs) throws SQLException {
        String result = rs.getString(12);
        return new RecordResult(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                rs.getString(6), rs.getString(7), rs.getString(8), rs.getString(9), rs.getString(10), rs.getString(11),
                result == null ? null : fromJson(result), rs.getString(13), rs.getLong(14), rs.getLong(15),
                rs.getBigDecimal(16), rs.getObject(17, OffsetDateTime.class).toInstant());
    }

    private String toJson(Object value) {
        try {
            return new String(json.writeValueAsBytes(value), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Object fromJson(String text) {
        try {
            return json.readValue(text.getBytes(StandardCharsets.UTF_8), Argument.OBJECT_ARGUMENT);
        } catch (IOException e) {
            throw new UncheckedIOException("stored JSON is unreadable", e);
        }
    }
}
