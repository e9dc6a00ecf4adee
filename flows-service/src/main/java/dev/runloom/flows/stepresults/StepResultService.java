package dev.runloom.flows.stepresults;

import dev.runloom.common.tenant.Tenant;
import dev.runloom.flows.flow.FlowService;
import io.micronaut.transaction.annotation.Transactional;
import jakarta.inject.Singleton;

import java.util.List;

/** Reads a flow's step results (they are written by the executions that produce them). */
@Singleton
public class StepResultService {
    private final StepResultRepository results;
    private final FlowService flows;

    public StepResultService(StepResultRepository results, FlowService flows) {
        this.results = results;
        this.flows = flows;
    }

    /**
     * Up to {@code limit + 1} rows: the extra one only tells the caller that more exist.
     *
     * @throws dev.runloom.common.problem.ProblemException 404 when the flow is not the tenant's
     */
    @Transactional(readOnly = true)
    public List<StepResult> list(Tenant tenant, String flowId, StepResultQuery query) {
        flows.requireExists(tenant, flowId);
        return results.find(tenant.organizationId(), flowId, query, query.limit() + 1);
    }
}
