package dev.runloom.agents.a2a;

import dev.runloom.agents.agent.AgentResponse;
import dev.runloom.common.tenant.Tenant;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Post;
import io.micronaut.serde.annotation.Serdeable;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

import java.util.List;
import java.util.Map;

/**
 * A3 {@code POST /v1/agents/fetch-agent-card} (a server-side, SSRF-guarded fetch of a remote agent's
 * A2A agent card, answered as the card's JSON) and A4 {@code POST /v1/agents/:id/refresh-agent-card}.
 * A refused URL is a 400 problem, an upstream failure a 502.
 */
@Controller("/v1/agents")
public class AgentCardController {
    private final AgentCardFetcher fetcher;
    private final ExternalAgents externals;

    public AgentCardController(AgentCardFetcher fetcher, ExternalAgents externals) {
        this.fetcher = fetcher;
        this.externals = externals;
    }

    /** Body of A3. */
    @Serdeable
    public record FetchAgentCardRequest(@NotBlank @Size(max = 2048) String url) {
    }

    /**
     * A3: fetches the A2A agent card at {@code url} server-side (a bare origin is looked up at
     * {@code /.well-known/agent-card.json}, then {@code /.well-known/agent.json}) and answers the card JSON as
     * served. 400 {@code url_refused} when the URL (or a redirect) points to an internal address, 400
     * {@code invalid_url} when it is not an http(s) URL; 502 {@code agent_card_unavailable} /
     * {@code agent_card_invalid} when the remote side fails or does not serve a card.
     */
    @Post("/fetch-agent-card")
    Map<String, Object> fetch(Tenant tenant, @Valid @Body FetchAgentCardRequest body) {
        return fetcher.fetch(body.url(), "url").card();
    }

    /**
     * A4: re-fetches an external agent's card (body {@code {}}, ignored) and answers the Agent with the new card
     * and {@code changeReport {skillsAdded, skillsRemoved, rolesAutoApplied}}. 400 {@code not_external_agent} /
     * {@code no_agent_card}; 404 for an unknown agent; 502 when the card cannot be fetched (the cached one is kept).
     */
    @Post("/{id}/refresh-agent-card")
    RefreshResponse refresh(Tenant tenant, String id, @Nullable @Body Map<String, Object> ignored) {
        ExternalAgents.Refreshed refreshed = externals.refresh(tenant, id);
        return new RefreshResponse(AgentResponse.of(refreshed.agent().agent(), List.of())
                .withExternal(refreshed.agent().external(), refreshed.agent().healthStatus(),
                        refreshed.agent().lastHealthCheckAt()), refreshed.changeReport());
    }

    /** The Agent object with {@code changeReport} beside its fields. */
    @Serdeable
    public record RefreshResponse(@JsonUnwrapped AgentResponse agent, ChangeReport changeReport) {
    }
}
