package dev.runloom.common.pagination;

import org.junit.jupiter.api.Test;

import java.util.Set;

import static dev.runloom.common.pagination.ProblemAssertions.assertInvalidParameter;
import static org.assertj.core.api.Assertions.assertThat;

/** {@link QueryParams#enumParam} and {@link QueryParams#ascending}: allowed values, default, case rules. */
class QueryParamsEnumTest {
    private static final Set<String> STATUSES = Set.of("running", "failed", "completed");

    @Test
    void absentOrBlankGivesTheDefault() {
        assertThat(QueryParams.enumParam(null, "status", STATUSES, "running")).isEqualTo("running");
        assertThat(QueryParams.enumParam("  ", "status", STATUSES, "running")).isEqualTo("running");
    }

    @Test
    void allowedValueIsReturnedTrimmed() {
        assertThat(QueryParams.enumParam(" failed ", "status", STATUSES, "running")).isEqualTo("failed");
    }

    @Test
    void enumValuesAreCaseSensitive() {
        assertInvalidParameter(() -> QueryParams.enumParam("FAILED", "status", STATUSES, "running"), "status");
    }

    @Test
    void unknownValueIsRejectedListingAllowedValuesSorted() {
        assertThat(assertInvalidParameter(() -> QueryParams.enumParam("paused", "status", STATUSES, "running"), "status")
                .detail()).isEqualTo("Parameter 'status' must be one of completed, failed, running");
    }

    @Test
    void ascendingDefaultsToDescending() {
        assertThat(QueryParams.ascending(null, "order")).isFalse();
        assertThat(QueryParams.ascending("", "order")).isFalse();
    }

    @Test
    void ascendingIsCaseInsensitiveAndTrimmed() {
        assertThat(QueryParams.ascending("asc", "order")).isTrue();
        assertThat(QueryParams.ascending(" ASC ", "order")).isTrue();
        assertThat(QueryParams.ascending("Desc", "order")).isFalse();
    }

    @Test
    void ascendingRejectsOtherWordsNamingTheParameter() {
        assertThat(assertInvalidParameter(() -> QueryParams.ascending("up", "sortOrder"), "sortOrder").detail())
                .isEqualTo("Parameter 'sortOrder' must be one of asc, desc");
    }
}
