package dev.runloom.records.record;

import dev.runloom.common.problem.ProblemException;
import io.micronaut.core.annotation.Nullable;

import java.util.Locale;

/** {@code sortBy} + {@code sortOrder} of the records list; each has a (organization[, type], column, id) index. */
public record RecordSort(By by, boolean ascending) {
    public static final RecordSort NEWEST_FIRST = new RecordSort(By.CREATED_AT, false);

    public enum By {
        CREATED_AT("createdAt", "created_at"), UPDATED_AT("updatedAt", "updated_at"), NAME("name", "name");

        final String wireName;
        final String column;

        By(String wireName, String column) {
            this.wireName = wireName;
            this.column = column;
        }

        boolean isTime() {
            return this != NAME;
        }
    }

    /** Defaults: {@code createdAt}, descending for times and ascending for {@code name}. */
    public static RecordSort parse(@Nullable String sortBy, @Nullable String sortOrder) {
        By by = By.CREATED_AT;
        if (sortBy != null && !sortBy.isBlank()) {
            by = null;
            for (By candidate : By.values()) {
                if (candidate.wireName.equals(sortBy.trim())) {
                    by = candidate;
                }
            }
            if (by == null) {
                throw ProblemException.invalidParameter("sortBy", "must be one of createdAt, updatedAt, name");
            }
        }
        boolean ascending = by == By.NAME;
        if (sortOrder != null && !sortOrder.isBlank()) {
            String order = sortOrder.trim().toLowerCase(Locale.ROOT);
            if (!order.equals("asc") && !order.equals("desc")) {
                throw ProblemException.invalidParameter("sortOrder", "must be asc or desc");
            }
            ascending = order.equals("asc");
        }
        return new RecordSort(by, ascending);
    }
}
