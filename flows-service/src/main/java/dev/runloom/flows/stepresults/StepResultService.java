package dev.runloom.flows.stepresults;

import dev.runloom.common.problem.ProblemException;
import dev.runloom.common.tenant.Tenant;
import dev.runloom.flows.flows.FlowRepository;
import jakarta.inject.Singleton;

import java.util.List;

@Singleton
public class StepResultService {
    private final StepResultRepository results;
    private final FlowRepository flows;

    public StepResultService(StepResultRepository results, FlowRepository flows) {
        this.results = results;
        this.flows = flows;
    }

    /** Up to {@code limit + 1} rows: the extra one only tells the caller that more exist. */
    public List<StepResult> list(Tenant tenant, String flowId, StepResultQuery query) {
        if (flows.find(tenant.organizationId(), flowId).isEmpty()) {
            throw ProblemException.notFound("Flow", flowId);
        }
        return results.find(tenant.organizationId(), flowId, query, query.limit() + 1);
    }
}
