package dev.runloom.common.jdbc;

import io.micronaut.data.jdbc.runtime.JdbcOperations;
import jakarta.inject.Singleton;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * The one way to run hand-written SQL, for the statements a {@code @JdbcRepository} method cannot
 * express: queries whose WHERE clause depends on the filters given ({@link Where}), multi-row
 * writes of a poll's worth of rows (JDBC batches, {@code unnest}), the outbox claim. Runs on the
 * connection of the caller's transaction. Parameters bind by type: {@link Instant} as
 * {@code TIMESTAMPTZ}, {@link JsonColumns#param JSON} as text for a {@code ?::jsonb} placeholder,
 * {@code String[]} as a {@code text[]} array, null as SQL NULL. Rows map with a {@link RowMapper}
 * over {@link Row}, or onto a {@code @MappedEntity} with Micronaut Data's own mapping.
 */
@Singleton
public class Sql {
    private final JdbcOperations jdbc;

    public Sql(JdbcOperations jdbc) {
        this.jdbc = jdbc;
    }

    public <T> List<T> list(String sql, RowMapper<T> mapper, Object... params) {
        return jdbc.prepareStatement(sql, statement -> {
            bind(statement, params);
            List<T> rows = new ArrayList<>();
            try (ResultSet resultSet = statement.executeQuery()) {
                Row row = new Row(resultSet);
                while (resultSet.next()) {
                    rows.add(mapper.map(row));
                }
            }
            return rows;
        });
    }

    /** Maps rows onto a {@code @MappedEntity} (columns by the entity's naming, JSON columns included). */
    public <T> List<T> list(String sql, Class<T> entity, Object... params) {
        return jdbc.prepareStatement(sql, statement -> {
            bind(statement, params);
            try (ResultSet resultSet = statement.executeQuery()) {
                return jdbc.entityStream(resultSet, entity).toList();
            }
        });
    }

    /**
     * Reads a result of any size with constant memory: rows arrive {@code fetchSize} at a time
     * (PostgreSQL's driver streams only inside a transaction, so call it from one) and go to
     * {@code each} one by one, never collected. Returns the number of rows read.
     */
    public long forEach(String sql, int fetchSize, RowConsumer each, Object... params) {
        return jdbc.prepareStatement(sql, statement -> {
            statement.setFetchSize(fetchSize);
            bind(statement, params);
            long rows = 0;
            try (ResultSet resultSet = statement.executeQuery()) {
                Row row = new Row(resultSet);
                while (resultSet.next()) {
                    each.accept(row);
                    rows++;
                }
            }
            return rows;
        });
    }

    public <T> Optional<T> first(String sql, RowMapper<T> mapper, Object... params) {
        return list(sql, mapper, params).stream().findFirst();
    }

    public long count(String sql, Object... params) {
        return first(sql, row -> row.longValue(1), params).orElse(0L);
    }

    /** INSERT/UPDATE/DELETE; returns the affected row count. */
    public int update(String sql, Object... params) {
        return jdbc.prepareStatement(sql, statement -> {
            bind(statement, params);
            return statement.executeUpdate();
        });
    }

    /**
     * One statement for many rows as a JDBC batch; with {@code reWriteBatchedInserts=true} on the
     * JDBC URL the driver sends it as multi-row INSERTs. Returns the total affected row count.
     */
    public <T> int batch(String sql, Collection<T> items, Function<T, Object[]> params) {
        if (items.isEmpty()) {
            return 0;
        }
        List<Object[]> rows = items.stream().map(params).toList();
        int[] nullTypes = nullTypes(rows);
        return jdbc.prepareStatement(sql, statement -> {
            for (Object[] row : rows) {
                bind(statement, row, nullTypes);
                statement.addBatch();
            }
            int total = 0;
            for (int count : statement.executeBatch()) {
                total += Math.max(count, 0);
            }
            return total;
        });
    }

    static void bind(PreparedStatement statement, Object[] params) throws SQLException {
        bind(statement, params, null);
    }

    /**
     * The SQL type of each column, from its first non-null value in the batch: a NULL is then bound
     * with the same type as the column's other rows, so every row of the batch has the same
     * parameter types and the driver sends it as one multi-row statement instead of re-describing
     * it whenever a NULL alternates with a value.
     */
    private static int[] nullTypes(List<Object[]> rows) {
        int columns = rows.get(0).length;
        int[] types = new int[columns];
        java.util.Arrays.fill(types, Types.OTHER);
        for (int column = 0; column < columns; column++) {
            for (Object[] row : rows) {
                if (row[column] != null) {
                    types[column] = sqlType(row[column]);
                    break;
                }
            }
        }
        return types;
    }

    private static int sqlType(Object value) {
        return switch (value) {
            case String s -> Types.VARCHAR;
            case JsonColumns.Json json -> Types.VARCHAR;
            case Long l -> Types.BIGINT;
            case Integer n -> Types.INTEGER;
            case java.math.BigDecimal d -> Types.NUMERIC;
            case Boolean b -> Types.BOOLEAN;
            case Instant instant -> Types.TIMESTAMP_WITH_TIMEZONE;
            default -> Types.OTHER;
        };
    }

    private static void bind(PreparedStatement statement, Object[] params, int[] nullTypes) throws SQLException {
        Connection connection = statement.getConnection();
        for (int i = 0; i < params.length; i++) {
            Object value = params[i];
            int index = i + 1;
            switch (value) {
                case null -> {
                    if (nullTypes == null || nullTypes[i] == Types.OTHER) {
                        statement.setObject(index, null);
                    } else {
                        statement.setNull(index, nullTypes[i]);
                    }
                }
                case Instant instant -> statement.setObject(index, instant.atOffset(ZoneOffset.UTC));
                case JsonColumns.Json json -> statement.setString(index, json.text());
                case String[] texts -> statement.setArray(index, connection.createArrayOf("text", texts));
                case Long[] longs -> statement.setArray(index, connection.createArrayOf("bigint", longs));
                default -> statement.setObject(index, value);
            }
        }
    }

    /** Takes one row of a streamed result ({@link #forEach}). */
    @FunctionalInterface
    public interface RowConsumer {
        void accept(Row row) throws SQLException;
    }

    /** Reads one row; gets a {@link Row} positioned on it. */
    @FunctionalInterface
    public interface RowMapper<T> {
        T map(Row row) throws SQLException;
    }
}
