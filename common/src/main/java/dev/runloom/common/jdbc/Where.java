package dev.runloom.common.jdbc;

import io.micronaut.core.annotation.Nullable;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A WHERE clause assembled from the filters a request gave, with its parameters kept beside it
 * (user values are only ever bound, never concatenated). Keyset conditions make deep pages cost
 * what the first page costs.
 *
 * <pre>{@code
 * Where where = Where.of("organization_id = ?", org).andIfPresent("type = ?", type)
 *         .andKeysetBefore("created_at", "id", afterAt, afterId);
 * sql.list("SELECT ... FROM records" + where.sql() + " ORDER BY created_at DESC, id DESC LIMIT ?", mapper,
 *         where.paramsThen(limit));
 * }</pre>
 */
public final class Where {
    private final List<String> conditions = new ArrayList<>();
    private final List<Object> params = new ArrayList<>();

    private Where() {
    }

    public static Where of(String condition, Object... params) {
        return new Where().and(condition, params);
    }

    public Where and(String condition, Object... values) {
        conditions.add(condition);
        params.addAll(java.util.Arrays.asList(values));
        return this;
    }

    /** Adds the condition only when {@code value} is present (not null). */
    public Where andIfPresent(String condition, @Nullable Object value) {
        return value == null ? this : and(condition, value);
    }

    /** Rows strictly before ({@code timeColumn}, {@code idColumn}) in descending order; nothing when at is null. */
    public Where andKeysetBefore(String timeColumn, String idColumn, @Nullable Instant at, @Nullable String id) {
        return at == null ? this : and("(" + timeColumn + ", " + idColumn + ") < (?, ?)", at, id);
    }

    /** Rows strictly after ({@code timeColumn}, {@code idColumn}) in ascending order; nothing when at is null. */
    public Where andKeysetAfter(String timeColumn, String idColumn, @Nullable Instant at, @Nullable String id) {
        return at == null ? this : and("(" + timeColumn + ", " + idColumn + ") > (?, ?)", at, id);
    }

    /** " WHERE a AND b" (with a leading space), or "" without conditions. */
    public String sql() {
        return conditions.isEmpty() ? "" : " WHERE " + String.join(" AND ", conditions);
    }

    public Object[] params() {
        return params.toArray();
    }

    /** The parameters followed by more (LIMIT, OFFSET …). */
    public Object[] paramsThen(Object... more) {
        List<Object> all = new ArrayList<>(params);
        all.addAll(java.util.Arrays.asList(more));
        return all.toArray();
    }
}
