package dev.runloom.common.pagination;

import io.micronaut.serde.annotation.Serdeable;

/** Style B1 (offset, no total), e.g. {@code GET /v1/flows/:id/step-results}. */
@Serdeable
public record OffsetPagination(int limit, int offset, int returned, boolean hasMore) {
}
