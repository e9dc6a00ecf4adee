package dev.runloom.flows.governor;

import dev.runloom.common.problem.ProblemException;
import dev.runloom.common.tenant.Tenant;
import dev.runloom.governor.GovernorLimits;
import dev.runloom.governor.GovernorStore;
import dev.runloom.governor.SqlGovernor;
import dev.runloom.models.Models;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.serde.annotation.Serdeable;

import java.sql.SQLException;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * {@code GET /v1/governor} (Runloom extension): the LLM governor as the caller's organization sees it
 * — per provider the configured limits, the calls in flight (interactive and batch, over every
 * replica), the tokens of the current minute and a pause a provider's {@code Retry-After} set.
 */
@Controller("/v1/governor")
public class GovernorController {
    private final Optional<SqlGovernor> governor;
    private final Models models;

    public GovernorController(Optional<SqlGovernor> governor, Models models) {
        this.governor = governor;
        this.models = models;
    }

    @Get
    public GovernorView show(Tenant tenant) {
        if (governor.isEmpty()) {
            return new GovernorView(false, List.of(), List.of());
        }
        SqlGovernor g = governor.get();
        Set<String> providers = new LinkedHashSet<>();
        models.providerNames().stream().filter(g::governs).forEach(providers::add);
        List<String> ungoverned = models.providerNames().stream().filter(p -> !g.governs(p)).toList();
        try {
            g.store().providersOf(tenant.organizationId()).stream().filter(g::governs).forEach(providers::add);
            List<ProviderView> views = new java.util.ArrayList<>();
            for (String provider : providers) {
                GovernorStore.ProviderState state = g.store().state(tenant.organizationId(), provider);
                views.add(ProviderView.of(state, g.settings().limitsOf(provider)));
            }
            return new GovernorView(true, views, ungoverned);
        } catch (SQLException e) {
            throw ProblemException.unavailable("governor_unavailable", "The LLM governor's database cannot be reached");
        }
    }

    @Serdeable
    public record GovernorView(boolean enabled, List<ProviderView> providers, List<String> ungovernedProviders) {
    }

    /** One provider: limits (0 = unlimited) and what the organization uses of them now. */
    @Serdeable
    public record ProviderView(String provider, Limits limits, long interactiveInFlight, long batchInFlight,
                               long providerInFlight, long tokensThisMinute, long providerTokensThisMinute,
                               @Nullable Instant pausedUntil) {
        static ProviderView of(GovernorStore.ProviderState s, GovernorLimits l) {
            return new ProviderView(s.provider(), new Limits(l.concurrency(), l.orgConcurrency(), l.tokensPerMinute(),
                    l.orgTokensPerMinute(), l.interactiveReserve()), s.interactiveInFlight(), s.batchInFlight(),
                    s.providerInFlight(), s.tokensThisMinute(), s.providerTokensThisMinute(), s.pausedUntil());
        }
    }

    @Serdeable
    public record Limits(int concurrency, int orgConcurrency, long tokensPerMinute, long orgTokensPerMinute,
                         int interactiveReserve) {
    }
}
