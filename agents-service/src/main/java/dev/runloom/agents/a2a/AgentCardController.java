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

    /** A3: the card JSON as the remote agent serves it. */
    @Post("/fetch-agent-card")
    Map<String, Object> fetch(Tenant tenant, @Valid @Body FetchAgentCardRequest body) {
        return fetcher.fetch(body.url(), "url").card();
    }

    /** A4: body {@code {}} (ignored); the agent with its new card, and what changed. */
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
