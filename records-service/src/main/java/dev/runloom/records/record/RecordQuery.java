package dev.runloom.records.record;

import dev.runloom.records.filter.RecordFilter;
import io.micronaut.core.annotation.Nullable;

/**
 * Which records a list, export, preview or bulk operation is about: an optional {@code type}, a
 * case-insensitive name {@code search} and a chip {@link RecordFilter}. Always within one
 * organization (given separately).
 */
public record RecordQuery(@Nullable String type, @Nullable String search, RecordFilter filter) {

    public static RecordQuery ofType(@Nullable String type) {
        return new RecordQuery(type, null, RecordFilter.none(null));
    }

    /**
     * Whether the count is a counter read: no search, no conditions, and at most one type (the
     * parameter's or the filter's, or both the same).
     */
    public boolean isCountable() {
        return search == null && filter.isEmpty()
                && (type == null || filter.type() == null || type.equals(filter.type()));
    }

    /** The type whose counter {@link #isCountable() counts} this query; null for the whole organization. */
    public @Nullable String countedType() {
        return type != null ? type : filter.type();
    }
}
