package dev.runloom.flows.flow;

import dev.runloom.common.id.Ids;
import dev.runloom.common.problem.ProblemException;
import dev.runloom.common.tenant.Tenant;
import dev.runloom.flows.steps.StepDefinition;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.transaction.annotation.Transactional;
import jakarta.inject.Singleton;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;

/** Creating and reading flows and their versions. */
@Singleton
public class FlowService {
    private static final int MAX_NAME_LENGTH = 255;
    private static final int MAX_DESCRIPTION_LENGTH = 10_000;

    private final FlowRepository flows;
    private final FlowVersionRepository versions;
    private final FlowDefinitions definitions;

    public FlowService(FlowRepository flows, FlowVersionRepository versions, FlowDefinitions definitions) {
        this.flows = flows;
        this.versions = versions;
        this.definitions = definitions;
    }

    /** A flow and its first version, inserted together. */
    @Transactional
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
        flows.insert(flow);
        versions.insert(version);
        return new FlowWithSteps(flow, version);
    }

    /** @throws ProblemException 404 when the flow does not exist in the tenant's organization */
    @Transactional(readOnly = true)
    public FlowWithSteps get(Tenant tenant, String flowId) {
        return find(tenant.organizationId(), flowId).orElseThrow(() -> ProblemException.notFound("Flow", flowId));
    }

    /** @throws ProblemException 404 when the flow does not exist in the tenant's organization */
    @Transactional(readOnly = true)
    public void requireExists(Tenant tenant, String flowId) {
        if (flows.findByOrganizationIdAndId(tenant.organizationId(), flowId).isEmpty()) {
            throw ProblemException.notFound("Flow", flowId);
        }
    }

    /** The flow with its current version, or empty when it does not exist in this organization. */
    @Transactional(readOnly = true)
    public Optional<FlowWithSteps> find(String organizationId, String flowId) {
        return flows.findByOrganizationIdAndId(organizationId, flowId)
                .flatMap(flow -> versions.findByOrganizationIdAndId(organizationId, flow.currentVersionId())
                        .map(version -> new FlowWithSteps(flow, version)));
    }

    /** A version of the organization's flows; empty when it does not exist there. */
    @Transactional(readOnly = true)
    public Optional<FlowVersion> findVersion(String organizationId, String versionId) {
        return versions.findByOrganizationIdAndId(organizationId, versionId);
    }

    /** The flow's name, or empty when it does not exist in this organization. */
    @Transactional(readOnly = true)
    public Optional<String> findName(String organizationId, String flowId) {
        return flows.findByOrganizationIdAndId(organizationId, flowId).map(Flow::name);
    }

    /** Records that a batch of the flow started at {@code at} (inside the batch's transaction). */
    @Transactional
    public void markRun(String organizationId, String flowId, Instant at) {
        flows.markRun(organizationId, flowId, at);
    }
}
