package dev.runloom.flows.stepresults;

import io.micronaut.core.annotation.Nullable;

import java.time.Instant;

/**
 * Filters, order and window of a step results listing (already parsed and checked); {@code includeDetails}
 * fills {@code stepConfig}, {@code inputVariables} and {@code recordMetadata}.
 */
public record StepResultQuery(@Nullable String recordId, @Nullable String batchId, @Nullable String status,
                              @Nullable String stepId, @Nullable Instant from, @Nullable Instant to,
                              SortBy sortBy, boolean ascending, int limit, int offset,
                              boolean includeDetails) {

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
