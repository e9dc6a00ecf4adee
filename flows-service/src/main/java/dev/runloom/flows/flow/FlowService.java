package dev.runloom.flows.flow;

import dev.runloom.common.id.Ids;
import dev.runloom.common.problem.Problem;
import dev.runloom.common.problem.ProblemException;
import dev.runloom.common.tenant.Tenant;
import dev.runloom.flows.batches.BatchRepository;
import dev.runloom.flows.steps.StepDefinition;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.transaction.annotation.Transactional;
import jakarta.inject.Singleton;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;

/**
 * Flows and their versions: create, edit (a new draft version each time), publish, delete, read.
 * Edits, publishes and deletes lock the flow's row, so two edits never take the same version number
 * and a delete never races a publish.
 */
@Singleton
public class FlowService {
    private static final int MAX_NAME_LENGTH = 255;
    private static final int MAX_DESCRIPTION_LENGTH = 10_000;
    private static final int MAX_LABEL_LENGTH = 255;
    private static final int MAX_NOTES_LENGTH = 10_000;

    private final FlowRepository flows;
    private final FlowVersionRepository versions;
    private final FlowDefinitions definitions;
    private final BatchRepository batches;

    public FlowService(FlowRepository flows, FlowVersionRepository versions, FlowDefinitions definitions,
                       BatchRepository batches) {
        this.flows = flows;
        this.versions = versions;
        this.definitions = definitions;
        this.batches = batches;
    }

    /** A flow and its first version (a draft, which runs until the flow is first published), inserted together. */
    @Transactional
    public FlowWithSteps create(Tenant tenant, @Nullable String name, @Nullable String description, List<NewStep> steps) {
        String checkedName = checkName(name);
        checkDescription(description);
        List<StepDefinition> normalized = definitions.normalize(steps);
        Instant now = now();
        String flowId = Ids.newId("flow");
        FlowVersion version = new FlowVersion(Ids.newId("flowver"), flowId, tenant.organizationId(), 1, checkedName,
                normalized, now, null, null);
        Flow flow = new Flow(flowId, tenant.organizationId(), tenant.userId(), checkedName, description,
                version.id(), null, now, now, null);
        flows.insert(flow);
        versions.insert(version);
        return new FlowWithSteps(flow, version);
    }

    /**
     * An edit: a new version, which becomes the draft; the published version keeps running until a
     * publish. Absent fields keep what the newest version has (steps) or the flow has (name, description).
     *
     * @throws ProblemException 404 when the flow is not the tenant's, 400 for an invalid definition
     */
    @Transactional
    public FlowWithSteps update(Tenant tenant, String flowId, FlowEdit edit) {
        Flow flow = flows.findForUpdate(tenant.organizationId(), flowId)
                .orElseThrow(() -> ProblemException.notFound("Flow", flowId));
        String name = edit.name() == null ? flow.name() : checkName(edit.name());
        String description = edit.description() == null ? flow.description() : edit.description();
        checkDescription(description);
        List<StepDefinition> steps = edit.steps() == null ? currentVersion(flow).steps() : definitions.normalize(edit.steps());
        Instant now = now();
        int number = versions.maxVersionNumber(tenant.organizationId(), flowId) + 1;
        FlowVersion version = new FlowVersion(Ids.newId("flowver"), flowId, tenant.organizationId(), number, name,
                steps, now, null, null);
        versions.insert(version);
        flows.edit(tenant.organizationId(), flowId, name, description, version.id(), now);
        Flow edited = new Flow(flow.id(), flow.organizationId(), flow.userId(), name, description, version.id(),
                flow.publishedVersionId(), flow.createdAt(), now, flow.lastRunAt());
        return new FlowWithSteps(edited, version);
    }

    /**
     * Makes the flow's newest version the published one (F7); publishing what is already published
     * changes nothing but the release notes given.
     */
    @Transactional
    public Published publishCurrent(Tenant tenant, String flowId, @Nullable String label, @Nullable String notes) {
        Flow flow = flows.findForUpdate(tenant.organizationId(), flowId)
                .orElseThrow(() -> ProblemException.notFound("Flow", flowId));
        return publish(flow, flow.currentVersionId(), label, notes);
    }

    /**
     * Makes any version of the flow the published one (FV4): a newer draft, or an older version to roll back to.
     *
     * @throws ProblemException 404 when the flow or the version (of this flow) is not the tenant's
     */
    @Transactional
    public Published publishVersion(Tenant tenant, String flowId, String versionId, @Nullable String label,
                                    @Nullable String notes) {
        Flow flow = flows.findForUpdate(tenant.organizationId(), flowId)
                .orElseThrow(() -> ProblemException.notFound("Flow", flowId));
        if (versions.findByOrganizationIdAndFlowIdAndId(tenant.organizationId(), flowId, versionId).isEmpty()) {
            throw ProblemException.notFound("Flow version", versionId);
        }
        return publish(flow, versionId, label, notes);
    }

    private Published publish(Flow flow, String versionId, @Nullable String label, @Nullable String notes) {
        checkReleaseNotes(label, notes);
        boolean already = versionId.equals(flow.publishedVersionId());
        if (label != null || notes != null) {
            versions.describe(flow.organizationId(), versionId, label, notes);
        }
        if (!already) {
            flows.publish(flow.organizationId(), flow.id(), versionId, now());
        }
        return new Published(flow.id(), versionId, already);
    }

    /**
     * Deletes the flow and its versions. Its executions, step results and batches stay as history.
     * Whether schedules or agents still use it is asked before, outside this transaction ({@link FlowDeletion}).
     *
     * @throws ProblemException 404 when the flow is not the tenant's, 409 while a batch of it is unfinished
     */
    @Transactional
    public void delete(Tenant tenant, String flowId) {
        flows.findForUpdate(tenant.organizationId(), flowId).orElseThrow(() -> ProblemException.notFound("Flow", flowId));
        if (batches.hasUnfinishedBatch(tenant.organizationId(), flowId)) {
            throw ProblemException.conflict("flow_in_use", "Flow '" + flowId
                    + "' has a batch still queued or running; delete it once the batch has finished");
        }
        versions.deleteAllOfFlow(tenant.organizationId(), flowId);
        flows.delete(tenant.organizationId(), flowId);
    }

    /** One page of the organization's flows. */
    @Transactional(readOnly = true)
    public FlowPage list(Tenant tenant, FlowListQuery query) {
        return new FlowListing(flows).list(tenant.organizationId(), query);
    }

    /** The flow with its newest version. @throws ProblemException 404 when it is not the tenant's */
    @Transactional(readOnly = true)
    public FlowWithSteps get(Tenant tenant, String flowId) {
        return find(tenant.organizationId(), flowId).orElseThrow(() -> ProblemException.notFound("Flow", flowId));
    }

    /** The flow with the version executions use. @throws ProblemException 404 when it is not the tenant's */
    @Transactional(readOnly = true)
    public FlowWithSteps getRunning(Tenant tenant, String flowId) {
        return findRunning(tenant.organizationId(), flowId).orElseThrow(() -> ProblemException.notFound("Flow", flowId));
    }

    /** The flow and every version, newest first. @throws ProblemException 404 when it is not the tenant's */
    @Transactional(readOnly = true)
    public FlowVersions versions(Tenant tenant, String flowId) {
        Flow flow = requireFlow(tenant, flowId);
        return new FlowVersions(flow,
                versions.findByOrganizationIdAndFlowIdOrderByVersionNumberDesc(tenant.organizationId(), flowId));
    }

    /** @throws ProblemException 404 when the flow or the version (of this flow) is not the tenant's */
    @Transactional(readOnly = true)
    public FlowWithSteps version(Tenant tenant, String flowId, String versionId) {
        Flow flow = requireFlow(tenant, flowId);
        return versions.findByOrganizationIdAndFlowIdAndId(tenant.organizationId(), flowId, versionId)
                .map(v -> new FlowWithSteps(flow, v))
                .orElseThrow(() -> ProblemException.notFound("Flow version", versionId));
    }

    /** @throws ProblemException 404 when the flow is not the tenant's or was never published */
    @Transactional(readOnly = true)
    public FlowWithSteps published(Tenant tenant, String flowId) {
        Flow flow = requireFlow(tenant, flowId);
        if (flow.publishedVersionId() == null) {
            throw new ProblemException(Problem.of(404, "Not Found", "not_found",
                    "Flow '" + flowId + "' has no published version yet", false));
        }
        return new FlowWithSteps(flow, versions.findByOrganizationIdAndId(tenant.organizationId(),
                flow.publishedVersionId()).orElseThrow());
    }

    /** @throws ProblemException 404 when the flow does not exist in the tenant's organization */
    @Transactional(readOnly = true)
    public void requireExists(Tenant tenant, String flowId) {
        requireFlow(tenant, flowId);
    }

    /** The flow with its newest version, or empty when it does not exist in this organization. */
    @Transactional(readOnly = true)
    public Optional<FlowWithSteps> find(String organizationId, String flowId) {
        return flows.findByOrganizationIdAndId(organizationId, flowId)
                .flatMap(flow -> versions.findByOrganizationIdAndId(organizationId, flow.currentVersionId())
                        .map(version -> new FlowWithSteps(flow, version)));
    }

    /** The flow with the version executions use (published, else newest), or empty when it does not exist here. */
    @Transactional(readOnly = true)
    public Optional<FlowWithSteps> findRunning(String organizationId, String flowId) {
        return flows.findByOrganizationIdAndId(organizationId, flowId)
                .flatMap(flow -> versions.findByOrganizationIdAndId(organizationId, flow.runningVersionId())
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

    private Flow requireFlow(Tenant tenant, String flowId) {
        return flows.findByOrganizationIdAndId(tenant.organizationId(), flowId)
                .orElseThrow(() -> ProblemException.notFound("Flow", flowId));
    }

    private FlowVersion currentVersion(Flow flow) {
        return versions.findByOrganizationIdAndId(flow.organizationId(), flow.currentVersionId()).orElseThrow();
    }

    private static String checkName(@Nullable String name) {
        if (name == null || name.isBlank()) {
            throw ProblemException.validation("name is required and must not be empty");
        }
        if (name.length() > MAX_NAME_LENGTH) {
            throw ProblemException.validation("name is longer than " + MAX_NAME_LENGTH + " characters");
        }
        return name.trim();
    }

    private static void checkDescription(@Nullable String description) {
        if (description != null && description.length() > MAX_DESCRIPTION_LENGTH) {
            throw ProblemException.validation("description is longer than " + MAX_DESCRIPTION_LENGTH + " characters");
        }
    }

    private static void checkReleaseNotes(@Nullable String label, @Nullable String notes) {
        if (label != null && label.length() > MAX_LABEL_LENGTH) {
            throw ProblemException.validation("label is longer than " + MAX_LABEL_LENGTH + " characters");
        }
        if (notes != null && notes.length() > MAX_NOTES_LENGTH) {
            throw ProblemException.validation("notes is longer than " + MAX_NOTES_LENGTH + " characters");
        }
    }

    private static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MILLIS);
    }

    /** What a publish did: {@code alreadyPublished} when the version was the published one before. */
    public record Published(String flowId, String versionId, boolean alreadyPublished) {
    }
}
