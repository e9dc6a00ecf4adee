package dev.runloom.common.pagination;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link CursorPagination#withCount} and {@link OffsetTotalPagination#of}: totals derived from a count. */
class CursorPaginationTest {
    private static CursorPagination at(int offset, int limit) {
        return new CursorPagination("n", "p", true, offset > 0, limit, offset, null, null, null);
    }

    @Test
    void withoutCountTheTotalsAreAbsent() {
        CursorPagination p = at(0, 10);
        assertThat(p.totalCount()).isNull();
        assertThat(p.totalPages()).isNull();
        assertThat(p.currentPage()).isNull();
    }

    @Test
    void withCountKeepsThePositionAndAddsTotals() {
        CursorPagination p = at(20, 10).withCount(25);
        assertThat(p).isEqualTo(new CursorPagination("n", "p", true, true, 10, 20, 3, 3, 25L));
    }

    @Test
    void currentPageFollowsTheOffset() {
        assertThat(at(0, 10).withCount(100).currentPage()).isEqualTo(1);
        assertThat(at(9, 10).withCount(100).currentPage()).isEqualTo(1);
        assertThat(at(10, 10).withCount(100).currentPage()).isEqualTo(2);
    }

    @Test
    void zeroCountStillHasOnePage() {
        assertThat(at(0, 10).withCount(0).totalPages()).isEqualTo(1);
    }

    @Test
    void exactMultipleHasNoExtraPage() {
        assertThat(at(0, 25).withCount(100).totalPages()).isEqualTo(4);
        assertThat(at(0, 25).withCount(101).totalPages()).isEqualTo(5);
    }

    @Test
    void offsetTotalHasMoreOnlyWhenRowsRemain() {
        assertThat(OffsetTotalPagination.of(10, 0, 10, 25)).isEqualTo(new OffsetTotalPagination(true, 10, 0, 25));
        assertThat(OffsetTotalPagination.of(10, 20, 5, 25).hasMore()).isFalse();
        assertThat(OffsetTotalPagination.of(10, 15, 10, 25).hasMore()).isFalse();
        assertThat(OffsetTotalPagination.of(10, 100, 0, 25).hasMore()).isFalse();
    }
}
