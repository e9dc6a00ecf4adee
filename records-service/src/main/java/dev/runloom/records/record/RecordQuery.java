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

    /** Without search or filter conditions: its count is the per-type counter. */
    public boolean isUnfiltered() {
        return search == null && filter.isEmpty() && filter.type() == null;
    }
}
