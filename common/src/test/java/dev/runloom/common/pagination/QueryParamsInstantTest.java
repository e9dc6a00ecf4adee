package dev.runloom.common.pagination;

import org.junit.jupiter.api.Test;

import java.util.List;

import java.time.Instant;

import static dev.runloom.common.pagination.ProblemAssertions.assertInvalidParameter;
import static org.assertj.core.api.Assertions.assertThat;

/** {@link QueryParams#instantParam}: ISO instants, offsets, plain dates, whitespace and garbage. */
class QueryParamsInstantTest {

    @Test
    void absentOrBlankIsNull() {
        assertThat(QueryParams.instantParam(null, "from")).isNull();
        assertThat(QueryParams.instantParam("  ", "from")).isNull();
    }

    @Test
    void parsesUtcInstant() {
        assertThat(QueryParams.instantParam("2024-06-10T15:45:30Z", "from"))
                .isEqualTo(Instant.parse("2024-06-10T15:45:30Z"));
    }

    @Test
    void parsesFractionalSecondsAndTrims() {
        assertThat(QueryParams.instantParam(" 2024-06-10T15:45:30.123Z\n", "from"))
                .isEqualTo(Instant.ofEpochMilli(Instant.parse("2024-06-10T15:45:30Z").toEpochMilli() + 123));
    }

    @Test
    void offsetIsNormalisedToUtc() {
        assertThat(QueryParams.instantParam("2024-06-10T17:45:30+02:00", "from"))
                .isEqualTo(Instant.parse("2024-06-10T15:45:30Z"));
    }

    @Test
    void plainDateIsStartOfThatDayUtc() {
        assertThat(QueryParams.instantParam("2024-06-10", "to")).isEqualTo(Instant.parse("2024-06-10T00:00:00Z"));
    }

    @Test
    void garbageIsRejectedNamingTheParameter() {
        for (String raw : List.of("yesterday", "2024-13-01", "2024-02-30", "2024-06-10T15:45:30", "1718034330",
            "2024-06-10 15:45:30Z", "10/06/2024", "+1000000001-01-01T00:00:00Z")) {
            assertThat(assertInvalidParameter(raw, () -> QueryParams.instantParam(raw, "to"), "to").detail())
                    .isEqualTo("Parameter 'to' must be an ISO-8601 timestamp such as 2024-06-10T15:45:30Z");
        }
    }

    /** Out of PostgreSQL's (and any client's) range: a 400 naming the parameter, never a 500 from the database. */
    @Test
    void timestampsOutsideYears1To9999AreRefused() {
        for (String raw : List.of("+10000-01-01T00:00:00Z", "-0001-01-01T00:00:00Z", "+1000000000-01-01T00:00:00Z")) {
            ProblemAssertions.assertInvalidParameter(() -> QueryParams.instantParam(raw, "from"), "from");
        }
        assertThat(QueryParams.instantParam("9999-12-31T23:59:59Z", "to")).isNotNull();
        assertThat(QueryParams.instantParam("0001-01-01", "from")).isEqualTo(QueryParams.EARLIEST);
    }
}
