package dev.runloom.flows.flow;

import dev.runloom.common.tenant.Tenant;
import dev.runloom.flows.references.FlowReferences;
import jakarta.inject.Singleton;

/**
 * {@code DELETE /v1/flows/:id}: the part that must run OUTSIDE any transaction — asking
 * schedules-service and agents-service whether anything still uses the flow — before the one
 * {@link FlowService#delete} transaction. A class of its own because a {@code @Transactional}
 * method is only transactional through the bean's proxy.
 *
 * <p>Between the check and the delete a schedule may still be created on the flow (schedules-service
 * checked that the flow existed a moment before): its runs then fail with "flow not found", which a
 * schedule run already handles; nothing is left half-deleted.
 */
@Singleton
public class FlowDeletion {
    private final FlowService flows;
    private final FlowReferences references;

    public FlowDeletion(FlowService flows, FlowReferences references) {
        this.flows = flows;
        this.references = references;
    }

    /**
     * @throws dev.runloom.common.problem.ProblemException 404 when the flow is not the tenant's, 409 while
     *                                                     a schedule, an agent or an unfinished batch uses it,
     *                                                     503 when schedules or agents cannot be asked
     */
    public void delete(Tenant tenant, String flowId) {
        flows.requireExists(tenant, flowId);
        references.requireUnreferenced(tenant, flowId);
        flows.delete(tenant, flowId);
    }
}
