package dev.runloom.common.pagination;

import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.runloom.common.pagination.ProblemAssertions.assertInvalidParameter;
import static org.assertj.core.api.Assertions.assertThat;

/** {@link QueryParams#intParam}: defaults, inclusive bounds, whitespace, garbage and overflow. */
class QueryParamsIntTest {

    @Test
    void absentOrBlankGivesTheDefault() {
        assertThat(QueryParams.intParam(null, "limit", 20, 1, 100)).isEqualTo(20);
        assertThat(QueryParams.intParam("", "limit", 20, 1, 100)).isEqualTo(20);
        assertThat(QueryParams.intParam("   ", "limit", 20, 1, 100)).isEqualTo(20);
    }

    @Test
    void parsesValueSurroundedByWhitespace() {
        assertThat(QueryParams.intParam(" 42 ", "limit", 20, 1, 100)).isEqualTo(42);
        assertThat(QueryParams.intParam("\t7\n", "limit", 20, 1, 100)).isEqualTo(7);
    }

    @Test
    void boundsAreInclusive() {
        assertThat(QueryParams.intParam("1", "limit", 20, 1, 100)).isEqualTo(1);
        assertThat(QueryParams.intParam("100", "limit", 20, 1, 100)).isEqualTo(100);
    }

    @Test
    void belowMinimumIsRejectedWithTheRange() {
        assertThat(assertInvalidParameter(() -> QueryParams.intParam("0", "limit", 20, 1, 100), "limit").detail())
                .isEqualTo("Parameter 'limit' must be between 1 and 100");
    }

    @Test
    void aboveMaximumIsRejectedWithTheRange() {
        assertThat(assertInvalidParameter(() -> QueryParams.intParam("101", "limit", 20, 1, 100), "limit").detail())
                .isEqualTo("Parameter 'limit' must be between 1 and 100");
    }

    @Test
    void negativeIsRejectedWhenMinimumIsZero() {
        assertInvalidParameter(() -> QueryParams.intParam("-1", "offset", 0, 0, Integer.MAX_VALUE), "offset");
    }

    @Test
    void fullIntRangeIsAccepted() {
        assertThat(QueryParams.intParam(String.valueOf(Integer.MAX_VALUE), "page", 1, 1, Integer.MAX_VALUE))
                .isEqualTo(Integer.MAX_VALUE);
    }

    @Test
    void overflowIsA400NotACrash() {
        for (String raw : List.of("99999999999", "2147483648", "-2147483649")) {
            assertInvalidParameter(raw, () -> QueryParams.intParam(raw, "offset", 0, 0, Integer.MAX_VALUE), "offset");
        }
    }

    @Test
    void garbageIsRejectedAsNotAnInteger() {
        for (String raw : List.of("abc", "1.5", "1e3", "0x10", "10abc", "1 0", "--1")) {
            assertThat(assertInvalidParameter(raw, () -> QueryParams.intParam(raw, "limit", 20, 1, 100), "limit").detail())
                    .isEqualTo("Parameter 'limit' must be an integer");
        }
    }
}
