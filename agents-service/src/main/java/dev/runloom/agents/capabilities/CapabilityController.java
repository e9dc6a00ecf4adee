package dev.runloom.agents.capabilities;

import dev.runloom.agents.agent.PrimaryFlowCheck;
import dev.runloom.common.problem.ProblemException;
import dev.runloom.common.tenant.Tenant;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Delete;
import io.micronaut.http.annotation.Post;
import io.micronaut.serde.annotation.Serdeable;

import java.net.URI;

/**
 * A14 {@code POST /v1/agents/:id/capabilities} (201 with the Capability) and A15
 * {@code DELETE /v1/agents/:id/capabilities/:capabilityId} ({@code {success: true}}).
 */
@Controller("/v1/agents")
public class CapabilityController {
    private final CapabilityService capabilities;
    private final PrimaryFlowCheck flows;

    public CapabilityController(CapabilityService capabilities, PrimaryFlowCheck flows) {
        this.capabilities = capabilities;
        this.flows = flows;
    }

    @Post("/{id}/capabilities")
    HttpResponse<CapabilityView> add(Tenant tenant, String id, @Nullable @Body CreateCapabilityRequest body) {
        if (body == null) {
            throw ProblemException.validation("A JSON object body is required");
        }
        String flowId = capabilities.checkShape(body);
        if (flowId != null) {
            flows.requireExists(tenant, flowId); // 404 unless a flow of the caller's organization; before any transaction
        }
        Capability created = capabilities.add(tenant, id, body);
        return HttpResponse.created(CapabilityView.of(created), URI.create("/v1/agents/" + id + "/capabilities/" + created.id()));
    }

    @Delete("/{id}/capabilities/{capabilityId}")
    Success remove(Tenant tenant, String id, String capabilityId) {
        capabilities.remove(tenant, id, capabilityId);
        return new Success(true);
    }

    @Serdeable
    record Success(boolean success) {
    }
}
