package dev.runloom.records.results;

import io.micronaut.core.annotation.Nullable;

import java.time.Instant;

/**
 * Filters, order and page of {@code GET /v1/records/:id/results}. {@code from} and {@code to} bound
 * {@code createdAt} inclusively.
 */
public record RecordResultQuery(String recordId,
                                @Nullable String status,
                                @Nullable String promptId,
                                @Nullable String flowId,
                                @Nullable Instant from,
                                @Nullable Instant to,
                                SortField sortBy,
                                boolean ascending,
                                int page,
                                int limit,
                                boolean includeCount) {

    public enum SortField {
        CREATED_AT("createdAt"), STATUS("status");

        private final String parameterValue;

        SortField(String parameterValue) {
            this.parameterValue = parameterValue;
        }

        public String parameterValue() {
            return parameterValue;
        }

        public static SortField fromParameter(String value) {
            for (SortField field : values()) {
                if (field.parameterValue.equals(value)) {
                    return field;
                }
            }
            throw new IllegalArgumentException(value);
        }
    }

    public long offset() {
        return (long) (page - 1) * limit;
    }
}
