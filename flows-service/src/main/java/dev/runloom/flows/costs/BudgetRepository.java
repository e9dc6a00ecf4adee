package dev.runloom.flows.costs;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.Query;
import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.GenericRepository;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Optional;

@JdbcRepository(dialect = Dialect.POSTGRES)
public interface BudgetRepository extends GenericRepository<Budget, String> {

    Optional<Budget> findByOrganizationId(String organizationId);

    @Query("""
            INSERT INTO budgets (organization_id, daily_cap_usd, monthly_cap_usd, updated_at)
            VALUES (:organizationId, :dailyCapUsd, :monthlyCapUsd, :updatedAt)
            ON CONFLICT (organization_id) DO UPDATE SET daily_cap_usd = EXCLUDED.daily_cap_usd,
                monthly_cap_usd = EXCLUDED.monthly_cap_usd, updated_at = EXCLUDED.updated_at""")
    void upsert(String organizationId, @Nullable BigDecimal dailyCapUsd, @Nullable BigDecimal monthlyCapUsd, Instant updatedAt);
}
