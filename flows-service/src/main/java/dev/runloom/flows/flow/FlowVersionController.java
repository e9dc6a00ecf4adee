package dev.runloom.flows.flow;

import dev.runloom.common.pagination.QueryParams;
import dev.runloom.common.problem.ProblemException;
import dev.runloom.common.tenant.Tenant;
import dev.runloom.flows.steps.StepDefinition;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.serde.annotation.Serdeable;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code /v1/flow-versions/:flowId} (reference 3.3, FV1–FV4): a flow's versions, the published one,
 * one by id, and publishing a chosen version (a newer draft, or an older version to roll back to).
 * {@code versionType}: {@code published} (runs), {@code draft} (the newest version, not yet
 * published) or {@code archived} (any other).
 */
@Controller("/v1/flow-versions/{flowId}")
public class FlowVersionController {
    private static final Set<String> TYPES = Set.of(FlowVersion.TYPE_DRAFT, FlowVersion.TYPE_PUBLISHED,
            FlowVersion.TYPE_ARCHIVED);

    private final FlowService flows;

    public FlowVersionController(FlowService flows) {
        this.flows = flows;
    }

    /** FV1, newest first; {@code type} keeps the versions of that type. */
    @Get
    public VersionList list(Tenant tenant, @PathVariable String flowId, @Nullable @QueryValue String type) {
        String wanted = type == null || type.isBlank() ? null : QueryParams.enumParam(type, "type", TYPES, null);
        FlowVersions all = flows.versions(tenant, flowId);
        Flow flow = all.flow();
        List<VersionSummary> versions = all.versions().stream()
                .filter(v -> wanted == null || wanted.equals(v.versionType(flow)))
                .map(v -> VersionSummary.of(flow, v)).toList();
        return new VersionList(flow.id(), flow.publishedVersionId(), versions);
    }

    /** FV2: 404 while the flow was never published. */
    @Get("/published")
    public VersionDetail published(Tenant tenant, @PathVariable String flowId) {
        return VersionDetail.of(flows.published(tenant, flowId));
    }

    /** FV3. */
    @Get("/{versionId}")
    public VersionDetail get(Tenant tenant, @PathVariable String flowId, @PathVariable String versionId) {
        return VersionDetail.of(flows.version(tenant, flowId, versionId));
    }

    /** FV4: body {@code versionId} (required), optionally a {@code label} and {@code notes}. */
    @Post("/publish")
    public PublishResponse publish(Tenant tenant, @PathVariable String flowId, @Nullable @Body PublishVersionRequest body) {
        if (body == null || body.versionId() == null || body.versionId().isBlank()) {
            throw ProblemException.validation("versionId is required");
        }
        FlowService.Published published = flows.publishVersion(tenant, flowId, body.versionId().trim(), body.label(),
                body.notes());
        return new PublishResponse(true, published.alreadyPublished()
                ? "Version " + published.versionId() + " was already published"
                : "Version " + published.versionId() + " published", published.flowId(), published.versionId());
    }

    @Serdeable
    public record PublishVersionRequest(@Nullable String versionId, @Nullable String label, @Nullable String notes) {
    }

    @Serdeable
    public record PublishResponse(boolean success, String message, String flowId, String versionId) {
    }

    @Serdeable
    public record VersionList(String flowId, @Nullable String publishedVersionId, List<VersionSummary> versions) {
    }

    /** {@code stepSummary}: each step's name and type, in order — enough to tell versions apart at a glance. */
    @Serdeable
    public record VersionSummary(String id, int versionNumber, String versionType, @Nullable String label,
                                 @Nullable String notes, List<StepSummary> stepSummary, int stepCount,
                                 Instant createdAt) {
        static VersionSummary of(Flow flow, FlowVersion v) {
            return new VersionSummary(v.id(), v.versionNumber(), v.versionType(flow), v.label(), v.notes(),
                    v.steps().stream().map(s -> new StepSummary(s.name(), s.type())).toList(), v.steps().size(),
                    v.createdAt());
        }
    }

    @Serdeable
    public record StepSummary(String name, String type) {
    }

    /** FV2/FV3: {@code flowConfig} is {@code { steps: [...] }}, the version's step definitions. */
    @Serdeable
    public record VersionDetail(String id, String flowId, int versionNumber, String versionType,
                                Map<String, List<StepDefinition>> flowConfig, @Nullable String label,
                                @Nullable String notes, Instant createdAt) {
        static VersionDetail of(FlowWithSteps f) {
            FlowVersion v = f.version();
            return new VersionDetail(v.id(), v.flowId(), v.versionNumber(), v.versionType(f.flow()),
                    Map.of("steps", v.steps()), v.label(), v.notes(), v.createdAt());
        }
    }
}
