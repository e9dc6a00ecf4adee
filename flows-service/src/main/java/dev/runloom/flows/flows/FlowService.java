package dev.runloom.flows.flows;

import dev.runloom.common.id.Ids;
import dev.runloom.common.problem.ProblemException;
import dev.runloom.common.tenant.Tenant;
import dev.runloom.flows.steps.StepDefinition;
import io.micronaut.core.annotation.Nullable;
import jakarta.inject.Singleton;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/** Creating and reading flows. */
@Singleton
public class FlowService {
    private static final int MAX_NAME_LENGTH = 255;
    private static final int MAX_DESCRIPTION_LENGTH = 10_000;

    private final FlowRepository flows;
    private final FlowDefinitions definitions;

    public FlowService(FlowRepository flows, FlowDefinitions definitions) {
        this.flows = flows;
        this.definitions = definitions;
    }

    public FlowWithSteps create(Tenant tenant, @Nullable String name, @Nullable String description, List<NewStep> steps) {
        if (name == null || name.isBlank()) {
            throw ProblemException.validation("name is required and must not be empty");
        }
        if (name.length() > MAX_NAME_LENGTH) {
            throw ProblemException.validation("name is longer than " + MAX_NAME_LENGTH + " characters");
        }
        if (description != null && description.length() > MAX_DESCRIPTION_LENGTH) {
            throw ProblemException.validation("description is longer than " + MAX_DESCRIPTION_LENGTH + " characters");
        }
        List<StepDefinition> normalized = definitions.normalize(steps);
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        String flowId = Ids.newId("flow");
        FlowVersion version = new FlowVersion(Ids.newId("flowver"), flowId, tenant.organizationId(), 1, name.trim(),
                normalized, now);
        Flow flow = new Flow(flowId, tenant.organizationId(), tenant.userId(), name.trim(), description,
                version.id(), now, now, null);
        flows.insert(flow, version);
        return new FlowWithSteps(flow, version);
    }

    /** @throws ProblemException 404 when the flow does not exist in the tenant's organization */
    public FlowWithSteps get(Tenant tenant, String flowId) {
        return flows.findWithSteps(tenant.organizationId(), flowId)
                .orElseThrow(() -> ProblemException.notFound("Flow", flowId));
    }
}
