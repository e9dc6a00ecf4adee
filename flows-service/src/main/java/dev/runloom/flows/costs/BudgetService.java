package dev.runloom.flows.costs;

import dev.runloom.common.tenant.Tenant;
import dev.runloom.flows.batches.BatchParking;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.transaction.annotation.Transactional;
import jakarta.inject.Singleton;

import java.math.BigDecimal;

/** {@code PUT /v1/budgets}: new caps, and the organization's budget-paused batches resume when no cap is reached. */
@Singleton
public class BudgetService {
    private final Budgets budgets;
    private final BatchParking parking;

    public BudgetService(Budgets budgets, BatchParking parking) {
        this.budgets = budgets;
        this.parking = parking;
    }

    /** @return how many paused batches resumed */
    @Transactional
    public int update(Tenant tenant, @Nullable BigDecimal dailyCapUsd, @Nullable BigDecimal monthlyCapUsd) {
        budgets.set(tenant, dailyCapUsd, monthlyCapUsd);
        return parking.resumeAllIfUnderCap(tenant.organizationId());
    }
}
