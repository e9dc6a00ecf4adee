package dev.runloom.records.record;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;

/**
 * A flow step's {@code recordFilter.where}: one condition on {@code name}, {@code id} or a top-level
 * metadata field. {@code eq}/{@code neq} compare as text, {@code contains} is a case-insensitive
 * substring, {@code gt}/{@code gte}/{@code lt}/{@code lte} compare numbers (non-numbers never match),
 * {@code exists} needs no value.
 */
@Serdeable
public record RecordFilter(@Nullable String field, @Nullable String op, @Nullable Object value) {
    public static final java.util.Set<String> OPS = java.util.Set.of("eq", "neq", "contains", "gt", "gte", "lt", "lte",
            "exists");
}
