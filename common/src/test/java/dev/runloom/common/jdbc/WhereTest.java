package dev.runloom.common.jdbc;

import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link Where}: clause and parameter assembly, optional filters, keyset conditions and trailing parameters. */
class WhereTest {
    private static final Instant AT = Instant.parse("2024-06-10T15:45:30Z");

    @Test
    void singleConditionWithLeadingSpace() {
        Where where = Where.of("organization_id = ?", "org_1");
        assertThat(where.sql()).isEqualTo(" WHERE organization_id = ?");
        assertThat(where.params()).containsExactly("org_1");
    }

    @Test
    void conditionsAreJoinedWithAndInOrderWithTheirParameters() {
        Where where = Where.of("organization_id = ?", "org_1")
                .and("created_at BETWEEN ? AND ?", AT, AT.plusSeconds(60))
                .and("deleted_at IS NULL");
        assertThat(where.sql()).isEqualTo(" WHERE organization_id = ? AND created_at BETWEEN ? AND ? AND deleted_at IS NULL");
        assertThat(where.params()).containsExactly("org_1", AT, AT.plusSeconds(60));
    }

    @Test
    void conditionWithoutParametersAddsNone() {
        Where where = Where.of("archived = false");
        assertThat(where.sql()).isEqualTo(" WHERE archived = false");
        assertThat(where.params()).isEmpty();
    }

    @Test
    void andIfPresentSkipsNull() {
        Where where = Where.of("organization_id = ?", "org_1").andIfPresent("type = ?", null);
        assertThat(where.sql()).isEqualTo(" WHERE organization_id = ?");
        assertThat(where.params()).containsExactly("org_1");
    }

    @Test
    void andIfPresentAddsAPresentValue() {
        Where where = Where.of("organization_id = ?", "org_1").andIfPresent("type = ?", "invoice")
                .andIfPresent("status = ?", 0);
        assertThat(where.sql()).isEqualTo(" WHERE organization_id = ? AND type = ? AND status = ?");
        assertThat(where.params()).containsExactly("org_1", "invoice", 0);
    }

    @Test
    void andIfPresentKeepsEmptyStringBecauseOnlyNullIsAbsent() {
        assertThat(Where.of("a = ?", 1).andIfPresent("b = ?", "").params()).containsExactly(1, "");
    }

    @Test
    void userValuesAreNeverConcatenatedIntoTheSql() {
        String hostile = "x'; DROP TABLE records; --";
        Where where = Where.of("organization_id = ?", hostile).andIfPresent("name = ?", hostile);
        assertThat(where.sql()).doesNotContain(hostile);
        assertThat(where.params()).containsExactly(hostile, hostile);
    }

    @Test
    void keysetBeforeIsARowComparisonLessThan() {
        Where where = Where.of("organization_id = ?", "org_1").andKeysetBefore("created_at", "id", AT, "rec_9");
        assertThat(where.sql()).isEqualTo(" WHERE organization_id = ? AND (created_at, id) < (?, ?)");
        assertThat(where.params()).containsExactly("org_1", AT, "rec_9");
    }

    @Test
    void keysetAfterIsARowComparisonGreaterThan() {
        Where where = Where.of("organization_id = ?", "org_1").andKeysetAfter("started_at", "exec_id", AT, "exe_1");
        assertThat(where.sql()).isEqualTo(" WHERE organization_id = ? AND (started_at, exec_id) > (?, ?)");
        assertThat(where.params()).containsExactly("org_1", AT, "exe_1");
    }

    @Test
    void keysetWithoutPositionAddsNothing() {
        Where where = Where.of("organization_id = ?", "org_1")
                .andKeysetBefore("created_at", "id", null, "ignored")
                .andKeysetAfter("created_at", "id", null, null);
        assertThat(where.sql()).isEqualTo(" WHERE organization_id = ?");
        assertThat(where.params()).containsExactly("org_1");
    }

    @Test
    void paramsThenAppendsAfterTheFilterParameters() {
        Where where = Where.of("organization_id = ?", "org_1").andIfPresent("type = ?", "t");
        assertThat(where.paramsThen(21, 40)).containsExactly("org_1", "t", 21, 40);
    }

    @Test
    void paramsThenDoesNotChangeTheWhere() {
        Where where = Where.of("organization_id = ?", "org_1");
        where.paramsThen(10);
        assertThat(where.params()).containsExactly("org_1");
        assertThat(where.paramsThen()).containsExactly("org_1");
    }

    @Test
    void paramsIsACopy() {
        Where where = Where.of("a = ?", "x");
        Object[] params = where.params();
        params[0] = "mutated";
        assertThat(where.params()).containsExactly("x");
    }

    @Test
    void nullParameterPassedExplicitlyIsKept() {
        assertThat(Where.of("a = ?", (Object) null).params()).containsExactly((Object) null);
    }
}
