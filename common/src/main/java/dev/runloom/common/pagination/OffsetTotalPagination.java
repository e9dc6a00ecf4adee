package dev.runloom.common.pagination;

import io.micronaut.serde.annotation.Serdeable;

/** Style B2 (offset + total), e.g. {@code GET /v1/schedules/runs/:runId/results}. */
@Serdeable
public record OffsetTotalPagination(boolean hasMore, int limit, int offset, long total) {

    public static OffsetTotalPagination of(int limit, int offset, int returned, long total) {
        return new OffsetTotalPagination(offset + returned < total, limit, offset, total);
    }
}
