package dev.runloom.flows.costs;

import dev.runloom.common.problem.Problem;
import dev.runloom.common.problem.ProblemException;
import dev.runloom.common.tenant.Tenant;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.transaction.annotation.Transactional;
import jakarta.inject.Singleton;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Budgets (Runloom extension): an organization's daily and monthly spend caps in USD, checked against
 * the cost ledger (UTC days and months). The ledger is fed by events, so it trails the spend by the
 * time a completion takes to travel (milliseconds to seconds): a running batch stops within that.
 * {@link #overCap} is asked per batch-work poll, so answers are cached for a second per organization.
 */
@Singleton
public class Budgets {
    private static final long CACHE_MS = 1_000;

    private final BudgetRepository budgets;
    private final CostLedgerRepository ledger;
    private final Clock clock;
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();

    public Budgets(BudgetRepository budgets, CostLedgerRepository ledger) {
        this.budgets = budgets;
        this.ledger = ledger;
        this.clock = Clock.systemUTC();
    }

    /** The caps and what was spent today and this month. */
    public record Status(@Nullable BigDecimal dailyCapUsd, @Nullable BigDecimal monthlyCapUsd, BigDecimal spentToday,
                         BigDecimal spentThisMonth, @Nullable Instant updatedAt) {
        /** Which cap is reached, if any. */
        public @Nullable String exceeded() {
            if (dailyCapUsd != null && spentToday.compareTo(dailyCapUsd) >= 0) {
                return "daily";
            }
            if (monthlyCapUsd != null && spentThisMonth.compareTo(monthlyCapUsd) >= 0) {
                return "monthly";
            }
            return null;
        }
    }

    @Transactional(readOnly = true)
    public Status status(String organizationId) {
        LocalDate today = LocalDate.now(clock.withZone(ZoneOffset.UTC));
        Budget budget = budgets.findByOrganizationId(organizationId).orElse(null);
        BigDecimal month = ledger.spentSince(organizationId, today.withDayOfMonth(1));
        BigDecimal day = ledger.spentSince(organizationId, today);
        return new Status(budget == null ? null : budget.dailyCapUsd(), budget == null ? null : budget.monthlyCapUsd(),
                day, month, budget == null ? null : budget.updatedAt());
    }

    @Transactional
    public void set(Tenant tenant, @Nullable BigDecimal dailyCapUsd, @Nullable BigDecimal monthlyCapUsd) {
        budgets.upsert(tenant.organizationId(), dailyCapUsd, monthlyCapUsd,
                Instant.now(clock).truncatedTo(ChronoUnit.MILLIS));
        cache.remove(tenant.organizationId());
    }

    /** Whether a cap of the organization is reached (cached for a second). */
    public boolean overCap(String organizationId) {
        long now = System.currentTimeMillis();
        Cached cached = cache.get(organizationId);
        if (cached != null && now - cached.at < CACHE_MS) {
            return cached.over;
        }
        boolean over = status(organizationId).exceeded() != null;
        cache.put(organizationId, new Cached(now, over));
        return over;
    }

    /** B1 and inline runs: 402 {@code budget_exceeded} when a cap is already reached. */
    public void requireUnderCap(String organizationId) {
        Status status = status(organizationId);
        String exceeded = status.exceeded();
        if (exceeded != null) {
            BigDecimal cap = "daily".equals(exceeded) ? status.dailyCapUsd() : status.monthlyCapUsd();
            BigDecimal spent = "daily".equals(exceeded) ? status.spentToday() : status.spentThisMonth();
            throw new ProblemException(Problem.of(402, "Payment Required", "budget_exceeded",
                    "The organization's " + exceeded + " budget of " + cap.toPlainString() + " USD is spent ("
                            + spent.stripTrailingZeros().toPlainString() + " USD); raise it with PUT /v1/budgets",
                    false));
        }
    }

    private record Cached(long at, boolean over) {
    }

    static List<String> caps() {
        return List.of("daily", "monthly");
    }
}
