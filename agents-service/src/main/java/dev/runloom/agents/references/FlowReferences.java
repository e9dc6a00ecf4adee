package dev.runloom.agents.references;

import dev.runloom.common.tenant.Tenant;
import dev.runloom.kernel.references.FlowReferrers;
import io.micronaut.transaction.annotation.Transactional;
import jakarta.inject.Singleton;

import java.util.List;

/**
 * Which of the tenant's agents use a flow. Today that is an agent's {@code primaryFlowId}; flow
 * capabilities, when agents get them, belong in the same answer (see {@link FlowReferenceRepository}).
 */
@Singleton
public class FlowReferences {
    private final FlowReferenceRepository agents;

    public FlowReferences(FlowReferenceRepository agents) {
        this.agents = agents;
    }

    @Transactional(readOnly = true)
    public List<FlowReferrers.Referrer> agentsUsingFlow(Tenant tenant, String flowId, int limit) {
        return agents.agentsUsingFlow(tenant.organizationId(), flowId, limit);
    }
}
