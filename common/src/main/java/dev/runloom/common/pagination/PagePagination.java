package dev.runloom.common.pagination;

import io.micronaut.serde.annotation.Serdeable;

/**
 * Style A (page + total), e.g. {@code GET /v1/records/:id/results}. {@code total} and
 * {@code totalPages} are only exact when counted; without a count they describe what is known.
 */
@Serdeable
public record PagePagination(int page, int limit, boolean hasMore, boolean hasPrev, long total, int totalPages,
                             boolean hasNextPage, boolean hasPrevPage) {

    /** With an exact total. */
    public static PagePagination counted(int page, int limit, long total) {
        int totalPages = (int) Math.max(1, (total + limit - 1) / limit);
        boolean hasMore = (long) page * limit < total;
        return new PagePagination(page, limit, hasMore, page > 1, total, totalPages, hasMore, page > 1);
    }

    /** Without a count: {@code hasMore} comes from fetching one row more than the page. */
    public static PagePagination uncounted(int page, int limit, int returned, boolean hasMore) {
        long knownTotal = (long) (page - 1) * limit + returned + (hasMore ? 1 : 0);
        int knownPages = hasMore ? page + 1 : Math.max(1, page);
        return new PagePagination(page, limit, hasMore, page > 1, knownTotal, knownPages, hasMore, page > 1);
    }
}
