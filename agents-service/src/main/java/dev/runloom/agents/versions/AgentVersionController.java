package dev.runloom.agents.versions;

import dev.runloom.agents.agent.Agent;
import dev.runloom.agents.agent.AgentConfig;
import dev.runloom.agents.agent.AgentService;
import dev.runloom.common.pagination.QueryParams;
import dev.runloom.common.problem.ProblemException;
import dev.runloom.common.tenant.Tenant;
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
import java.util.Set;

/**
 * {@code /v1/agent-versions/:agentId} (reference §3.5, AV1–AV4), in the style of flows-service's
 * flow versions. A version is made by publishing the live agent (A13); {@code versionType} is
 * {@code published} (the agent's published version), {@code draft} (reserved: agents have no drafts
 * yet, edits change the live agent) or {@code archived} (published before).
 */
@Controller("/v1/agent-versions/{agentId}")
public class AgentVersionController {
    private static final Set<String> TYPES = Set.of(AgentVersion.TYPE_DRAFT, AgentVersion.TYPE_PUBLISHED,
            AgentVersion.TYPE_ARCHIVED);

    private final AgentService agents;

    public AgentVersionController(AgentService agents) {
        this.agents = agents;
    }

    /** AV1, newest first; {@code type} keeps the versions of that type. */
    @Get
    public VersionList list(Tenant tenant, @PathVariable String agentId, @Nullable @QueryValue String type) {
        String wanted = QueryParams.enumParam(type, "type", TYPES, null);
        AgentService.Versions all = agents.versions(tenant, agentId);
        Agent agent = all.agent();
        List<VersionSummary> versions = all.versions().stream()
                .filter(v -> wanted == null || wanted.equals(type(agent, v)))
                .map(v -> new VersionSummary(v.id(), v.versionNumber(), type(agent, v), v.label(), v.notes(),
                        ConfigSummary.of(v.agentConfig()), v.createdAt()))
                .toList();
        return new VersionList(agent.id(), agent.draftVersionId(), agent.publishedVersionId(), versions);
    }

    /** AV2: 404 while the agent was never published. */
    @Get("/published")
    public VersionDetail published(Tenant tenant, @PathVariable String agentId) {
        AgentVersion version = agents.published(tenant, agentId);
        return VersionDetail.of(version, AgentVersion.TYPE_PUBLISHED);
    }

    /** AV3. */
    @Get("/{versionId}")
    public VersionDetail get(Tenant tenant, @PathVariable String agentId, @PathVariable String versionId) {
        Agent agent = agents.get(tenant, agentId);
        AgentVersion version = agents.version(tenant, agentId, versionId);
        return VersionDetail.of(version, type(agent, version));
    }

    /** AV4: body {@code versionId} (required). */
    @Post("/publish")
    public PublishResponse publish(Tenant tenant, @PathVariable String agentId,
                                   @Nullable @Body PublishVersionRequest body) {
        agents.get(tenant, agentId); // another organization's agent is a 404 whatever the body says
        if (body == null || body.versionId() == null || body.versionId().isBlank()) {
            throw ProblemException.validation("versionId is required");
        }
        AgentService.Published published = agents.publishVersion(tenant, agentId, body.versionId().trim());
        return new PublishResponse(true, published.alreadyPublished()
                ? "Version " + published.versionId() + " was already published"
                : "Version " + published.versionId() + " published", published.agentId(), published.versionId());
    }

    private static String type(Agent agent, AgentVersion version) {
        return version.versionType(agent.publishedVersionId(), agent.draftVersionId());
    }

    @Serdeable
    public record PublishVersionRequest(@Nullable String versionId) {
    }

    @Serdeable
    public record PublishResponse(boolean success, String message, String agentId, String versionId) {
    }

    @Serdeable
    public record VersionList(String agentId, @Nullable String draftVersionId, @Nullable String publishedVersionId,
                              List<VersionSummary> versions) {
    }

    @Serdeable
    public record VersionSummary(String id, int versionNumber, String versionType, @Nullable String label,
                                 @Nullable String notes, ConfigSummary configSummary, Instant createdAt) {
    }

    /** Enough to tell versions apart at a glance. */
    @Serdeable
    public record ConfigSummary(String name, String model, int maxTurns, int maxToolCalls, boolean hasSystemPrompt) {
        static ConfigSummary of(AgentSnapshot snapshot) {
            AgentConfig config = snapshot.config();
            return new ConfigSummary(snapshot.name(), config.model(), config.maxTurns(), config.maxToolCalls(),
                    config.systemPrompt() != null);
        }
    }

    /** AV2/AV3: {@code agentConfig} is the snapshot of the agent's definition. */
    @Serdeable
    public record VersionDetail(String id, String agentId, int versionNumber, String versionType,
                                AgentSnapshot agentConfig, @Nullable String label, @Nullable String notes,
                                Instant createdAt) {
        static VersionDetail of(AgentVersion v, String type) {
            return new VersionDetail(v.id(), v.agentId(), v.versionNumber(), type, v.agentConfig(), v.label(),
                    v.notes(), v.createdAt());
        }
    }
}
