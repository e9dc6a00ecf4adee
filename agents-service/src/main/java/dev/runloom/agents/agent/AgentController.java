package dev.runloom.agents.agent;

import dev.runloom.common.tenant.Tenant;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Post;
import jakarta.validation.Valid;

import java.net.URI;
import java.util.List;

/** {@code POST /v1/agents} and {@code GET /v1/agents/:id} (reference §2.10). */
@Controller("/v1/agents")
public class AgentController {
    private final AgentService agents;
    private final PrimaryFlowCheck primaryFlows;

    public AgentController(AgentService agents, PrimaryFlowCheck primaryFlows) {
        this.agents = agents;
        this.primaryFlows = primaryFlows;
    }

    @Post
    HttpResponse<AgentResponse> create(Tenant tenant, @Valid @Body CreateAgentRequest body) {
        if (body.primaryFlowId() != null) {
            primaryFlows.requireExists(tenant, body.primaryFlowId()); // 404 unless a flow of this organization
        }
        CreatedAgent created = agents.create(tenant, body.toNewAgent());
        return HttpResponse.created(AgentResponse.of(created.agent(), created.warnings()),
                URI.create("/v1/agents/" + created.agent().id()));
    }

    @Get("/{id}")
    AgentResponse get(Tenant tenant, String id) {
        return AgentResponse.of(agents.get(tenant, id), List.of());
    }
}
