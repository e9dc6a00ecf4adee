package dev.runloom.common.pagination;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;

/**
 * Style C (opaque keyset cursor), e.g. {@code GET /v1/agents/:id/executions}. The three totals are
 * present only when the request asked for {@code includeCount=true}, so deep pages stay cheap.
 */
@Serdeable
public record CursorPagination(@Nullable String nextCursor,
                               @Nullable String prevCursor,
                               boolean hasMore,
                               boolean hasPrev,
                               int limit,
                               int currentOffset,
                               @JsonInclude(JsonInclude.Include.NON_NULL) @Nullable Integer totalPages,
                               @JsonInclude(JsonInclude.Include.NON_NULL) @Nullable Integer currentPage,
                               @JsonInclude(JsonInclude.Include.NON_NULL) @Nullable Long totalCount) {

    public CursorPagination withCount(long count) {
        int pages = (int) Math.max(1, (count + limit - 1) / limit);
        return new CursorPagination(nextCursor, prevCursor, hasMore, hasPrev, limit, currentOffset,
                pages, currentOffset / limit + 1, count);
    }
}
