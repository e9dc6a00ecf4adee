package dev.runloom.records.stepresults;

import io.micronaut.core.annotation.Nullable;

import java.time.Instant;

/** Filters, order and window of {@code GET /v1/records/:id/step-results} (the flow step results' filters, with flowId for recordId). */
public record RecordStepResultQuery(String recordId, @Nullable String flowId, @Nullable String batchId,
                                    @Nullable String status, @Nullable String stepId, @Nullable Instant from,
                                    @Nullable Instant to, SortBy sortBy, boolean ascending, int limit, int offset) {

    public enum SortBy {
        CREATED_AT("createdAt", "created_at"),
        ORDER("order", "step_order"),
        DURATION_MS("durationMs", "duration_ms"),
        STATUS("status", "status");

        final String parameter;
        final String column;

        SortBy(String parameter, String column) {
            this.parameter = parameter;
            this.column = column;
        }

        public String parameter() {
            return parameter;
        }
    }
}
