package dev.runloom.records.filter;

import dev.runloom.common.jdbc.Where;

import java.util.List;

/**
 * A compiled filter: SQL text that holds only {@code ?} placeholders (never a user value) and the
 * values to bind to them, in order. {@code sql} is empty when the filter has no condition.
 */
public record SqlCondition(String sql, List<Object> params) {
    public static final SqlCondition NONE = new SqlCondition("", List.of());

    public boolean isEmpty() {
        return sql.isEmpty();
    }

    /** Adds this condition to {@code where} (nothing when empty). */
    public Where applyTo(Where where) {
        return isEmpty() ? where : where.and(sql, params.toArray());
    }
}
