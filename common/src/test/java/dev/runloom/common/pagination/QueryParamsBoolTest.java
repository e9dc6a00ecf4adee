package dev.runloom.common.pagination;

import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.runloom.common.pagination.ProblemAssertions.assertInvalidParameter;
import static org.assertj.core.api.Assertions.assertThat;

/** {@link QueryParams#boolParam}: accepted spellings, case, whitespace, default and garbage. */
class QueryParamsBoolTest {

    @Test
    void absentOrBlankGivesTheDefault() {
        assertThat(QueryParams.boolParam(null, "includeCount", true)).isTrue();
        assertThat(QueryParams.boolParam(" ", "includeCount", false)).isFalse();
        assertThat(QueryParams.boolParam("", "includeCount", true)).isTrue();
    }

    @Test
    void trueSpellings() {
        for (String raw : List.of("true", "TRUE", "True", " true ", "1", "yes", "YES")) {
            assertThat(QueryParams.boolParam(raw, "includeCount", false)).isTrue();
        }
    }

    @Test
    void falseSpellings() {
        for (String raw : List.of("false", "FALSE", " False", "0", "no", "No")) {
            assertThat(QueryParams.boolParam(raw, "includeCount", true)).isFalse();
        }
    }

    @Test
    void garbageIsRejectedNamingTheParameter() {
        for (String raw : List.of("maybe", "2", "t", "on", "truee", "-1")) {
            assertThat(assertInvalidParameter(raw, () -> QueryParams.boolParam(raw, "includeCount", false), "includeCount").detail())
                    .isEqualTo("Parameter 'includeCount' must be true or false");
        }
    }
}
