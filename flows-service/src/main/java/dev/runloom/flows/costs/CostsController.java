package dev.runloom.flows.costs;

import dev.runloom.common.problem.ProblemException;
import dev.runloom.common.tenant.Tenant;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Put;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.serde.annotation.Serdeable;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The organization's costs (Runloom extensions): {@code GET /v1/costs/ledger}, one ledger of flows,
 * schedules and agents by UTC day, model and source; {@code GET/PUT /v1/budgets}, daily and monthly
 * spend caps in USD.
 */
@Controller("/v1")
public class CostsController {
    static final int MAX_DAYS = 366;
    static final Set<String> GROUPS = Set.of("day", "model", "source");
    static final Set<String> SOURCES = Set.of(LedgerEntry.FLOW, LedgerEntry.SCHEDULE, LedgerEntry.AGENT);
    static final BigDecimal MAX_CAP = new BigDecimal("1000000000");
    static final int MAX_MODEL_LENGTH = 255;

    private final CostLedger ledger;
    private final Budgets budgets;
    private final BudgetService budgetService;

    public CostsController(CostLedger ledger, Budgets budgets, BudgetService budgetService) {
        this.ledger = ledger;
        this.budgets = budgets;
        this.budgetService = budgetService;
    }

    /**
     * The cost ledger (Runloom extension): sums of cost (USD), tokens and model calls per UTC day, model
     * and source ({@code flow}, {@code schedule}, {@code agent}) from {@code from} to {@code to}
     * (dates, inclusive; default the last 30 days, at most 366), grouped by {@code groupBy}
     * (comma-separated subset of {@code day,model,source}; default all three; empty: one total),
     * optionally only one {@code source} or {@code model}.
     */
    @Get("/costs/ledger")
    public LedgerResponse ledger(Tenant tenant, @Nullable @QueryValue String from, @Nullable @QueryValue String to,
                                 @Nullable @QueryValue String groupBy, @Nullable @QueryValue String source,
                                 @Nullable @QueryValue String model) {
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        LocalDate end = date(to, "to", today);
        LocalDate start = date(from, "from", end.minusDays(29));
        if (start.isAfter(end)) {
            throw ProblemException.invalidParameter("from", "must not be after to");
        }
        if (ChronoUnit.DAYS.between(start, end) >= MAX_DAYS) {
            throw ProblemException.invalidParameter("from", "the range may span at most " + MAX_DAYS + " days");
        }
        List<String> groups = groups(groupBy);
        if (source != null && !SOURCES.contains(source)) {
            throw ProblemException.invalidParameter("source", "must be one of flow, schedule, agent");
        }
        if (model != null && (model.isBlank() || model.length() > MAX_MODEL_LENGTH || model.indexOf('\u0000') >= 0)) {
            throw ProblemException.invalidParameter("model", "must be a model name of at most " + MAX_MODEL_LENGTH + " characters");
        }
        List<CostLedgerRepository.Line> lines = ledger.read(tenant.organizationId(), start, end, groups, source, model);
        List<LineView> views = new ArrayList<>(lines.size());
        BigDecimal cost = BigDecimal.ZERO;
        long prompt = 0;
        long completion = 0;
        long total = 0;
        long calls = 0;
        for (CostLedgerRepository.Line l : lines) {
            views.add(new LineView(l.day() == null ? null : l.day().toString(), l.source(), l.model(), money(l.cost()),
                    l.promptTokens(), l.completionTokens(), l.totalTokens(), l.calls()));
            cost = cost.add(l.cost());
            prompt += l.promptTokens();
            completion += l.completionTokens();
            total += l.totalTokens();
            calls += l.calls();
        }
        return new LedgerResponse(start.toString(), end.toString(), groups,
                new Totals(money(cost), prompt, completion, total, calls), views);
    }

    /** Budgets (Runloom extension): the caps (null: none), today's and this month's spend (UTC), and which cap is reached. */
    @Get("/budgets")
    public BudgetView budget(Tenant tenant) {
        return BudgetView.of(budgets.status(tenant.organizationId()));
    }

    /**
     * Sets the organization's caps (Runloom extension): {@code dailyCapUsd} and {@code monthlyCapUsd},
     * each a number ≥ 0 or null (no cap). At a cap, batch submits and inline runs answer 402
     * {@code budget_exceeded} and running batches pause ({@code paused_budget}); raising the caps above
     * the spend resumes the organization's paused batches. Answers the budget as GET does.
     */
    @Put("/budgets")
    public BudgetView setBudget(Tenant tenant, @Nullable @Body BudgetRequest body) {
        if (body == null) {
            throw ProblemException.validation("a JSON body with dailyCapUsd and/or monthlyCapUsd is required");
        }
        BigDecimal daily = cap(body.dailyCapUsd(), "dailyCapUsd");
        BigDecimal monthly = cap(body.monthlyCapUsd(), "monthlyCapUsd");
        budgetService.update(tenant, daily, monthly);
        return BudgetView.of(budgets.status(tenant.organizationId()));
    }

    private static @Nullable BigDecimal cap(@Nullable BigDecimal value, String field) {
        if (value == null) {
            return null;
        }
        if (value.signum() < 0 || value.compareTo(MAX_CAP) > 0) {
            throw ProblemException.validation(field + " must be between 0 and " + MAX_CAP.toPlainString() + " USD, or null");
        }
        if (value.stripTrailingZeros().scale() > 6) {
            throw ProblemException.validation(field + " may have at most 6 decimal places");
        }
        return value.stripTrailingZeros();
    }

    private static LocalDate date(@Nullable String raw, String name, LocalDate fallback) {
        if (raw == null || raw.isBlank()) {
            return fallback;
        }
        try {
            LocalDate date = LocalDate.parse(raw.trim());
            if (date.getYear() < 2000 || date.getYear() > 9999) {
                throw ProblemException.invalidParameter(name, "must be a date between 2000-01-01 and 9999-12-31");
            }
            return date;
        } catch (DateTimeParseException e) {
            throw ProblemException.invalidParameter(name, "must be a date as YYYY-MM-DD");
        }
    }

    private static List<String> groups(@Nullable String raw) {
        if (raw == null) {
            return List.of("day", "source", "model");
        }
        Set<String> groups = new LinkedHashSet<>();
        for (String part : raw.split(",", -1)) {
            String g = part.trim();
            if (g.isEmpty() && raw.isBlank()) {
                continue;
            }
            if (!GROUPS.contains(g)) {
                throw ProblemException.invalidParameter("groupBy", "must be a comma-separated list of day, model, source");
            }
            groups.add(g);
        }
        return List.copyOf(groups);
    }

    private static BigDecimal money(BigDecimal value) {
        BigDecimal stripped = value.stripTrailingZeros();
        return stripped.scale() < 0 ? stripped.setScale(0) : stripped;
    }

    @Serdeable
    public record BudgetRequest(@Nullable BigDecimal dailyCapUsd, @Nullable BigDecimal monthlyCapUsd) {
    }

    @Serdeable
    public record BudgetView(@Nullable BigDecimal dailyCapUsd, @Nullable BigDecimal monthlyCapUsd, BigDecimal spentTodayUsd,
                             BigDecimal spentThisMonthUsd, @Nullable String exceeded, @Nullable Instant updatedAt) {
        static BudgetView of(Budgets.Status s) {
            return new BudgetView(s.dailyCapUsd(), s.monthlyCapUsd(), money(s.spentToday()), money(s.spentThisMonth()),
                    s.exceeded(), s.updatedAt());
        }
    }

    @Serdeable
    public record LedgerResponse(String from, String to, List<String> groupBy, Totals totals, List<LineView> lines) {
    }

    @Serdeable
    public record Totals(BigDecimal cost, long promptTokens, long completionTokens, long totalTokens, long calls) {
    }

    @Serdeable
    public record LineView(@Nullable String day, @Nullable String source, @Nullable String model, BigDecimal cost,
                           long promptTokens, long completionTokens, long totalTokens, long calls) {
    }
}
