package dev.runloom.records.record;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;

/**
 * Style C pagination of {@code GET /v1/records} (reference §3.1), as {@code CursorPagination} plus
 * one Runloom extension: {@code countCapped} (present with {@code includeCount=true}) is true when a
 * filtered count stopped at its cap, so {@code totalCount} is a lower bound.
 */
@Serdeable
public record RecordPagination(@Nullable String nextCursor,
                               @Nullable String prevCursor,
                               boolean hasMore,
                               boolean hasPrev,
                               int limit,
                               int currentOffset,
                               @JsonInclude(JsonInclude.Include.NON_NULL) @Nullable Integer totalPages,
                               @JsonInclude(JsonInclude.Include.NON_NULL) @Nullable Integer currentPage,
                               @JsonInclude(JsonInclude.Include.NON_NULL) @Nullable Long totalCount,
                               @JsonInclude(JsonInclude.Include.NON_NULL) @Nullable Boolean countCapped) {

    static RecordPagination of(RecordSlice slice, RecordSort sort, int limit) {
        var rows = slice.records();
        String next = slice.hasMore() && !rows.isEmpty()
                ? RecordCursor.of(sort, false, rows.getLast(), slice.offset() + rows.size()).encode() : null;
        String prev = slice.hasPrev() && !rows.isEmpty()
                ? RecordCursor.of(sort, true, rows.getFirst(), slice.offset()).encode() : null;
        if (slice.total() == null) {
            return new RecordPagination(next, prev, slice.hasMore(), slice.hasPrev(), limit, slice.offset(),
                    null, null, null, null);
        }
        long total = slice.total();
        int pages = (int) Math.max(1, (total + limit - 1) / limit);
        return new RecordPagination(next, prev, slice.hasMore(), slice.hasPrev(), limit, slice.offset(), pages,
                slice.offset() / limit + 1, total, slice.countCapped());
    }
}
