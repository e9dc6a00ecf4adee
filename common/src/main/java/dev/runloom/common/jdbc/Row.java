package dev.runloom.common.jdbc;

import io.micronaut.core.annotation.Nullable;

import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;

/** A result row read by column name, with the conversions every table here needs. */
public final class Row {
    private final ResultSet resultSet;

    Row(ResultSet resultSet) {
        this.resultSet = resultSet;
    }

    public @Nullable String string(String column) throws SQLException {
        return resultSet.getString(column);
    }

    public long longValue(String column) throws SQLException {
        return resultSet.getLong(column);
    }

    public long longValue(int column) throws SQLException {
        return resultSet.getLong(column);
    }

    public int intValue(String column) throws SQLException {
        return resultSet.getInt(column);
    }

    public @Nullable Long nullableLong(String column) throws SQLException {
        long value = resultSet.getLong(column);
        return resultSet.wasNull() ? null : value;
    }

    public boolean bool(String column) throws SQLException {
        return resultSet.getBoolean(column);
    }

    public @Nullable BigDecimal decimal(String column) throws SQLException {
        return resultSet.getBigDecimal(column);
    }

    /** A {@code TEXT[]} column; null stays null. */
    public String @Nullable [] strings(String column) throws SQLException {
        java.sql.Array value = resultSet.getArray(column);
        return value == null ? null : (String[]) value.getArray();
    }

    /** A TIMESTAMPTZ column as an instant. */
    public @Nullable Instant instant(String column) throws SQLException {
        OffsetDateTime value = resultSet.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }
}
