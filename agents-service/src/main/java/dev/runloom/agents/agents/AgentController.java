package dev.runloom.agents.agents;

import dev.runloom.common.tenant.Tenant;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Post;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import jakarta.validation.Valid;

import java.net.URI;
import java.util.List;

@Controller("/v1/agents")
@ExecuteOn(TaskExecutors.BLOCKING)
public class AgentController {
    private final AgentService agents;

    public AgentController(AgentService agents) {
        this.agents = agents;
    }

    @Post
    HttpResponse<AgentResponse> create(Tenant tenant, @Valid @Body CreateAgentRequest body) {
        CreatedAgent created = agents.create(tenant, body.toNewAgent());
        return HttpResponse.created(AgentResponse.of(created.agent(), created.warnings()),
                URI.create("/v1/agents/" + created.agent().id()));
    }

    @Get("/{id}")
    AgentResponse get(Tenant tenant, String id) {
        return AgentResponse.of(agents.get(tenant, id), List.of());
    }
}
