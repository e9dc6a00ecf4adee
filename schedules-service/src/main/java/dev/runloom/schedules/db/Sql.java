package dev.runloom.schedules.db;

import io.micronaut.core.annotation.Nullable;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;

/** The few JDBC conversions every repository here needs (TIMESTAMPTZ ⇄ Instant, nullable ints). */
public final class Sql {
    private Sql() {
    }

    public static void setInstant(PreparedStatement statement, int index, @Nullable Instant value) throws SQLException {
        if (value == null) {
            statement.setNull(index, Types.TIMESTAMP_WITH_TIMEZONE);
        } else {
            statement.setTimestamp(index, Timestamp.from(value));
        }
    }

    public static @Nullable Instant instant(ResultSet rows, String column) throws SQLException {
        Timestamp value = rows.getTimestamp(column);
        return value == null ? null : value.toInstant();
    }

    /** ISO-8601 text, for {@code unnest(?::text[])} multi-row statements that cast it to TIMESTAMPTZ. */
    public static @Nullable String isoText(@Nullable Instant value) {
        return value == null ? null : value.toString();
    }
}
