package dev.runloom.records.record;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;

/**
 * A flow step's {@code recordFilter.where}: one condition on {@code name}, {@code id} or a metadata field,
 * with the operators and semantics of the records list's chip filter (docs/operations.md).
 */
@Serdeable
public record RecordCondition(@Nullable String field, @Nullable String op, @Nullable Object value) {
    public static final java.util.Set<String> OPS = java.util.Set.of("eq", "neq", "contains", "gt", "gte", "lt", "lte",
            "exists");
    private static final java.util.Set<String> TOP_LEVEL = java.util.Set.of("id", "name", "type", "createdAt", "updatedAt");

    /**
     * The same condition as the list's chip filter, so one compiler turns both into SQL; a bare field
     * other than a top-level one means a metadata key.
     */
    public dev.runloom.records.filter.RecordFilter toFilter() {
        String path = field == null || TOP_LEVEL.contains(field) || field.startsWith("metadata.") ? field : "metadata." + field;
        java.util.Map<String, Object> condition = new java.util.HashMap<>();
        condition.put("field", path);
        condition.put("op", op == null ? "eq" : op);
        if (value != null) {
            condition.put("value", value);
        }
        return dev.runloom.records.filter.RecordFilter.parse(java.util.List.of(condition), "where");
    }
}
