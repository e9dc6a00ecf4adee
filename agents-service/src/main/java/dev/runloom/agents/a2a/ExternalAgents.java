package dev.runloom.agents.a2a;

import dev.runloom.agents.agent.Agent;
import dev.runloom.agents.agent.AgentService;
import dev.runloom.agents.agent.CreatedAgent;
import dev.runloom.agents.agent.NewAgent;
import dev.runloom.agents.agent.UpdateAgentRequest;
import dev.runloom.common.problem.ProblemException;
import dev.runloom.common.tenant.Tenant;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.transaction.annotation.Transactional;
import jakarta.inject.Singleton;

import java.net.URI;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * External (A2A) agents: an agent of type {@code external} with its {@code externalConfig} and the
 * agent card fetched from it. The card is fetched before the writing transaction (no connection waits
 * on a remote agent), then agent and card are written together; A4 re-fetches and reports which skills
 * changed.
 */
@Singleton
public class ExternalAgents {
    public static final String TYPE = "external";
    private static final Set<String> PROTOCOLS = Set.of("a2a", "jsonrpc", "a2a-jsonrpc");

    private final AgentService agents;
    private final ExternalAgentRepository rows;
    private final AgentCardFetcher fetcher;

    public ExternalAgents(AgentService agents, ExternalAgentRepository rows, AgentCardFetcher fetcher) {
        this.agents = agents;
        this.rows = rows;
        this.fetcher = fetcher;
    }

    /** A checked external config and the card fetched for it (null when only an endpoint is given). */
    public record Prepared(ExternalConfig config, @Nullable AgentCardFetcher.FetchedCard card) {
    }

    /** An agent read with its external part (null for other agents). */
    public record Read(Agent agent, @Nullable ExternalAgentView external, @Nullable String healthStatus,
                       @Nullable Instant lastHealthCheckAt) {
    }

    /** What A4 answers: the agent as it is now and what the new card changed. */
    public record Refreshed(Read agent, ChangeReport changeReport) {
    }

    /**
     * Outside any transaction: checks the config and fetches the agent card (400 for a refused or
     * malformed URL, 502 when the remote side fails). An endpoint is needed: the config's, else the card's {@code url}.
     */
    public Prepared prepare(@Nullable ExternalConfig config) {
        if (config == null) {
            throw ProblemException.validation("externalConfig is required for an agent of type external "
                    + "(agentCardUrl, a2aWellKnownUrl or endpoint)");
        }
        if (config.protocol() != null && !PROTOCOLS.contains(config.protocol().toLowerCase(Locale.ROOT))) {
            throw ProblemException.badRequest("unsupported_protocol", "externalConfig.protocol '" + config.protocol()
                    + "' is not supported; leave it out (or say a2a) for A2A JSON-RPC");
        }
        if (config.auth() != null) {
            ExternalConfig.Auth auth = config.auth();
            if (auth.type() == null || !auth.type().equalsIgnoreCase("bearer")) {
                throw ProblemException.validation("externalConfig.auth.type must be bearer");
            }
            if (auth.credentials() == null || auth.credentials().isBlank()) {
                throw ProblemException.validation("externalConfig.auth.credentials must be given for bearer auth");
            }
            if (auth.credentials().contains("{{")) {
                throw ProblemException.badRequest("unsupported_secret_reference",
                        "externalConfig.auth.credentials: secret references ({{secret:…}}) are not supported; give the token");
            }
        }
        if (config.endpoint() != null) {
            AgentCardFetcher.parse(config.endpoint(), "externalConfig.endpoint");
        }
        String location = config.cardLocation();
        AgentCardFetcher.FetchedCard card = location == null ? null
                : fetcher.fetch(location, config.agentCardUrl() != null && !config.agentCardUrl().isBlank()
                ? "externalConfig.agentCardUrl" : "externalConfig.a2aWellKnownUrl");
        if (config.endpoint() == null) {
            if (card == null) {
                throw ProblemException.validation("externalConfig needs agentCardUrl, a2aWellKnownUrl or endpoint");
            }
            if (card.endpoint() == null) {
                throw ProblemException.validation("The agent card names no url to call; give externalConfig.endpoint");
            }
            try {
                AgentCardFetcher.parse(card.endpoint(), "the agent card's url");
            } catch (ProblemException e) {
                throw AgentCardFetcher.invalid("The agent card's url is not a usable http(s) URL");
            }
        }
        return new Prepared(config, card);
    }

    /** A2 of an external agent: the agent and its external part in one transaction. */
    @Transactional
    public CreatedAgent create(Tenant tenant, NewAgent request, Prepared prepared) {
        CreatedAgent created = agents.create(tenant, request);
        rows.save(row(created.agent(), prepared, now()));
        return created;
    }

    /**
     * Reads what an update of agent {@code id} needs fetched first: a {@link Prepared} config when the
     * agent is (or becomes) external and {@code patch} changes its external part or it has none yet;
     * null otherwise (nothing external to write). 404 for another organization's agent.
     */
    public @Nullable Prepared prepareUpdate(Tenant tenant, String id, @Nullable String agentType,
                                            @Nullable ExternalConfig patch) {
        Agent agent = agents.get(tenant, id);
        String type = agentType != null ? agentType : agent.agentType();
        if (!TYPE.equals(type)) {
            if (patch != null) {
                throw ProblemException.validation("externalConfig applies only to agents of type external");
            }
            return null;
        }
        Optional<ExternalAgentConfig> stored = find(tenant.organizationId(), id);
        if (stored.isPresent() && patch == null) {
            return null;
        }
        return prepare(stored.map(s -> s.externalConfig().patchedWith(patch)).orElse(patch));
    }

    /** A6: the agent's fields, then its external part written or (when it is no longer external) removed. */
    @Transactional
    public AgentService.Written update(Tenant tenant, String id, UpdateAgentRequest request, @Nullable Prepared prepared) {
        AgentService.Written written = agents.update(tenant, id, request);
        Agent agent = written.agent();
        if (!TYPE.equals(agent.agentType())) {
            rows.deleteConfig(agent.organizationId(), agent.id());
        } else if (prepared != null) {
            ExternalAgentConfig row = row(agent, prepared, now());
            if (rows.findByOrganizationIdAndAgentId(agent.organizationId(), agent.id()).isPresent()) {
                rows.update(row);
            } else {
                rows.save(row);
            }
        }
        return written;
    }

    /** The agent with its external part, or a 404. */
    @Transactional(readOnly = true)
    public Read read(Tenant tenant, String id) {
        return read(agents.get(tenant, id));
    }

    /** The external part of this agent added (nothing for non-external agents). */
    @Transactional(readOnly = true)
    public Read read(Agent agent) {
        if (!TYPE.equals(agent.agentType())) {
            return new Read(agent, null, null, null);
        }
        return find(agent.organizationId(), agent.id())
                .map(row -> new Read(agent, ExternalAgentView.of(row), row.healthStatus(), row.lastHealthCheckAt()))
                .orElse(new Read(agent, null, null, null));
    }

    @Transactional(readOnly = true)
    public Optional<ExternalAgentConfig> find(String organizationId, String agentId) {
        return rows.findByOrganizationIdAndAgentId(organizationId, agentId);
    }

    /**
     * A4: fetches the card again (outside any transaction), stores it and reports the skills added and
     * removed. A card that cannot be fetched leaves the cached one, marks the agent {@code unreachable}
     * and answers the fetch's 502.
     */
    public Refreshed refresh(Tenant tenant, String id) {
        Agent agent = agents.get(tenant, id);
        if (!TYPE.equals(agent.agentType())) {
            throw ProblemException.badRequest("not_external_agent",
                    "Agent '" + id + "' is not an external agent; only external agents have an agent card");
        }
        ExternalAgentConfig row = find(tenant.organizationId(), id)
                .orElseThrow(() -> ProblemException.badRequest("no_agent_card", "Agent '" + id + "' has no external config"));
        String location = row.externalConfig().cardLocation();
        if (location == null) {
            throw ProblemException.badRequest("no_agent_card",
                    "Agent '" + id + "' has no agentCardUrl or a2aWellKnownUrl to refresh its card from");
        }
        AgentCardFetcher.FetchedCard card;
        try {
            card = fetcher.fetch(location, "externalConfig.agentCardUrl");
        } catch (ProblemException e) {
            if (e.problem().status() == 502) {
                markHealth(tenant.organizationId(), id, ExternalAgentConfig.UNREACHABLE);
            }
            throw e;
        }
        return storeRefreshed(tenant, id, card);
    }

    @Transactional
    protected Refreshed storeRefreshed(Tenant tenant, String id, AgentCardFetcher.FetchedCard card) {
        Agent agent = agents.get(tenant, id);
        ExternalAgentConfig row = find(tenant.organizationId(), id)
                .orElseThrow(() -> ProblemException.notFound("Agent", id)); // removed meanwhile
        List<Map<String, Object>> before = row.agentCard() == null ? List.of()
                : new AgentCardFetcher.FetchedCard(row.agentCard(), "", Instant.EPOCH).skills();
        ChangeReport report = ChangeReport.between(before, card.skills());
        Instant now = now();
        ExternalAgentConfig updated = new ExternalAgentConfig(row.agentId(), row.organizationId(), row.externalConfig(),
                card.card(), card.url(), card.fetchedAt(), ExternalAgentConfig.HEALTHY, now, now);
        rows.update(updated);
        return new Refreshed(new Read(agent, ExternalAgentView.of(updated), updated.healthStatus(),
                updated.lastHealthCheckAt()), report);
    }

    @Transactional
    protected void markHealth(String organizationId, String id, String status) {
        rows.markHealth(organizationId, id, status, now());
    }

    /** Where an execution sends {@code message/send}: the configured endpoint, else the card's url. */
    public static URI endpoint(ExternalAgentConfig row) {
        String endpoint = row.externalConfig().endpoint();
        if (endpoint == null && row.agentCard() != null && row.agentCard().get("url") instanceof String url) {
            endpoint = url;
        }
        if (endpoint == null) {
            throw new A2aClient.A2aException("external_agent_misconfigured", "The external agent has no endpoint to call");
        }
        try {
            return AgentCardFetcher.parse(endpoint, "endpoint");
        } catch (ProblemException e) {
            throw new A2aClient.A2aException("external_agent_misconfigured",
                    "The external agent's endpoint is not a usable URL");
        }
    }

    private static ExternalAgentConfig row(Agent agent, Prepared prepared, Instant now) {
        AgentCardFetcher.FetchedCard card = prepared.card();
        return new ExternalAgentConfig(agent.id(), agent.organizationId(), prepared.config(),
                card == null ? null : card.card(), card == null ? null : card.url(),
                card == null ? null : card.fetchedAt(), card == null ? null : ExternalAgentConfig.HEALTHY,
                card == null ? null : now, now);
    }

    private static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MILLIS);
    }
}
