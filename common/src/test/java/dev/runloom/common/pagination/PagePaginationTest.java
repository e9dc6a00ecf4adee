package dev.runloom.common.pagination;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link PagePagination}: page arithmetic with an exact total and the estimates without one. */
class PagePaginationTest {

    @Test
    void countedFirstOfSeveralPages() {
        assertThat(PagePagination.counted(1, 10, 25))
                .isEqualTo(new PagePagination(1, 10, true, false, 25, 3, true, false));
    }

    @Test
    void countedMiddlePageHasBothNeighbours() {
        assertThat(PagePagination.counted(2, 10, 25))
                .isEqualTo(new PagePagination(2, 10, true, true, 25, 3, true, true));
    }

    @Test
    void countedLastPartialPageHasNoMore() {
        assertThat(PagePagination.counted(3, 10, 25))
                .isEqualTo(new PagePagination(3, 10, false, true, 25, 3, false, true));
    }

    @Test
    void countedExactMultipleHasNoExtraPage() {
        PagePagination p = PagePagination.counted(2, 10, 20);
        assertThat(p.totalPages()).isEqualTo(2);
        assertThat(p.hasMore()).isFalse();
    }

    @Test
    void countedEmptyResultStillHasOnePage() {
        assertThat(PagePagination.counted(1, 10, 0))
                .isEqualTo(new PagePagination(1, 10, false, false, 0, 1, false, false));
    }

    @Test
    void countedPageBeyondTheEndHasNoMoreButAPrevious() {
        PagePagination p = PagePagination.counted(9, 10, 25);
        assertThat(p.hasMore()).isFalse();
        assertThat(p.hasPrev()).isTrue();
        assertThat(p.totalPages()).isEqualTo(3);
    }

    @Test
    void countedHugePageDoesNotOverflow() {
        PagePagination p = PagePagination.counted(Integer.MAX_VALUE, 100, 5_000_000_000L);
        assertThat(p.hasMore()).isFalse();
        assertThat(p.totalPages()).isEqualTo(50_000_000);
    }

    @Test
    void uncountedWithMoreKnowsOneMoreRowAndPage() {
        assertThat(PagePagination.uncounted(3, 10, 10, true))
                .isEqualTo(new PagePagination(3, 10, true, true, 31, 4, true, true));
    }

    @Test
    void uncountedLastPageKnowsTheExactTotal() {
        assertThat(PagePagination.uncounted(3, 10, 4, false))
                .isEqualTo(new PagePagination(3, 10, false, true, 24, 3, false, true));
    }

    @Test
    void uncountedEmptyFirstPage() {
        assertThat(PagePagination.uncounted(1, 10, 0, false))
                .isEqualTo(new PagePagination(1, 10, false, false, 0, 1, false, false));
    }
}
