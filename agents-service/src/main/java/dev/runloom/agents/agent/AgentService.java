package dev.runloom.agents.agent;

import dev.runloom.agents.tools.AgentToolbox;
import dev.runloom.agents.capabilities.Capability;
import dev.runloom.agents.capabilities.CapabilityRepository;
import dev.runloom.agents.capabilities.CapabilityView;
import dev.runloom.agents.versions.AgentSnapshot;
import dev.runloom.agents.versions.AgentVersion;
import dev.runloom.agents.versions.AgentVersionRepository;
import dev.runloom.common.id.Ids;
import dev.runloom.common.pagination.Cursor;
import dev.runloom.common.problem.Problem;
import dev.runloom.common.problem.ProblemException;
import dev.runloom.common.tenant.Tenant;
import dev.runloom.models.ModelProvider;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.type.Argument;
import io.micronaut.json.JsonMapper;
import io.micronaut.transaction.annotation.Transactional;
import io.micronaut.validation.validator.Validator;
import jakarta.inject.Singleton;
import jakarta.validation.ConstraintViolation;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/** Agents: the definitions executions snapshot — create, read, list, update, delete, publish. */
@Singleton
public class AgentService {
    private static final Cursor TOP = new Cursor(Instant.EPOCH, "top", 0);

    private final AgentRepository agents;
    private final AgentVersionRepository versions;
    private final List<ModelProvider> providers;
    private final JsonMapper json;
    private final Validator validator;
    private final AgentToolbox toolbox;
    private final CapabilityRepository capabilities;

    public AgentService(AgentRepository agents, AgentVersionRepository versions, List<ModelProvider> providers,
                        JsonMapper json, Validator validator, AgentToolbox toolbox, CapabilityRepository capabilities) {
        this.toolbox = toolbox;
        this.capabilities = capabilities;
        this.agents = agents;
        this.versions = versions;
        this.providers = providers;
        this.json = json;
        this.validator = validator;
    }

    /** An agent with the non-fatal problems noticed while writing it (the API's {@code _warnings}). */
    public record Written(Agent agent, List<String> warnings) {
    }

    /** One page of agents with when each last ran. */
    public record AgentPage(List<Agent> agents, Map<String, Instant> lastRunAt, @Nullable String nextCursor,
                            @Nullable String prevCursor, boolean hasMore, boolean hasPrev, int limit,
                            int currentOffset, @Nullable Long totalCount) {
    }

    /** What publishing answered: the version now published. */
    public record Published(String agentId, String versionId, boolean alreadyPublished) {
    }

    @Transactional
    public CreatedAgent create(Tenant tenant, NewAgent request) {
        String agentType = checkedAgentType(request.agentType());
        AgentConfig config = request.config().resolve();
        Instant now = now();
        Agent agent = new Agent(Ids.newId("agent"), tenant.organizationId(), tenant.userId(), request.name(),
                request.description(), request.icon(), agentType, request.primaryFlowId(), config,
                Agent.STATUS_ACTIVE, null, null, now, now);
        agents.save(agent);
        return new CreatedAgent(agent, warnings(config));
    }

    /**
     * A6: fields given replace the stored ones, {@code config} is deep-merged (objects key by key, an
     * explicit null resets a setting to its default); the merged config is validated like a create's.
     */
    @Transactional
    public Written update(Tenant tenant, String id, UpdateAgentRequest request) {
        Agent agent = get(tenant, id);
        String agentType = request.agentType() == null ? agent.agentType() : checkedAgentType(request.agentType());
        AgentConfig config = request.config() == null ? agent.config() : merged(agent.config(), request.config());
        Agent updated = new Agent(agent.id(), agent.organizationId(), agent.userId(),
                request.name() != null ? request.name() : agent.name(),
                request.description() != null ? request.description() : agent.description(),
                request.icon() != null ? request.icon() : agent.icon(), agentType,
                request.primaryFlowId() != null ? request.primaryFlowId() : agent.primaryFlowId(), config,
                agent.status(), agent.publishedVersionId(), agent.draftVersionId(), agent.createdAt(), now());
        agents.update(updated);
        return new Written(updated, warnings(config));
    }

    /** A7: the agent and its versions go; its executions stay in the tables but are no longer reachable. */
    @Transactional
    public void delete(Tenant tenant, String id) {
        if (agents.deleteAgent(tenant.organizationId(), id) != 1) {
            throw ProblemException.notFound("Agent", id);
        }
    }

    /** The agent, if it exists in the organization (for callers without a tenant: event handlers). */
    @Transactional(readOnly = true)
    public Optional<Agent> find(String organizationId, String id) {
        return agents.findByOrganizationIdAndId(organizationId, id);
    }

    /** The agent, or a 404 problem when it does not exist in the caller's organization. */
    @Transactional(readOnly = true)
    public Agent get(Tenant tenant, String id) {
        return agents.findByOrganizationIdAndId(tenant.organizationId(), id)
                .orElseThrow(() -> ProblemException.notFound("Agent", id));
    }

    /**
     * A1, newest first by keyset cursor; cursors work like the executions list's (see
     * {@code ExecutionListing}): the last row seen plus the offset of the page they open.
     */
    @Transactional(readOnly = true)
    public AgentPage list(AgentFilter filter, int limit, @Nullable Cursor cursor, boolean includeCount) {
        if (cursor != null && cursor.offset() < 0) {
            throw ProblemException.invalidParameter("cursor", "is not a cursor this API issued");
        }
        AgentRepository.Position after = cursor == null || cursor.offset() == 0
                ? null : new AgentRepository.Position(cursor.at(), cursor.id());
        int offset = after == null ? 0 : cursor.offset();
        List<Agent> rows = agents.listAfter(filter, after, limit + 1);
        boolean hasMore = rows.size() > limit;
        List<Agent> page = hasMore ? rows.subList(0, limit) : rows;
        String nextCursor = hasMore
                ? new Cursor(page.getLast().createdAt(), page.getLast().id(), offset + page.size()).encode() : null;
        boolean hasPrev = false;
        String prevCursor = null;
        if (after != null) {
            List<AgentRepository.Position> seen = agents.listUpTo(filter, after, limit + 1);
            hasPrev = !seen.isEmpty();
            if (seen.size() > limit) {
                AgentRepository.Position boundary = seen.get(limit);
                prevCursor = new Cursor(boundary.createdAt(), boundary.id(), Math.max(1, offset - limit)).encode();
            } else if (hasPrev) {
                prevCursor = TOP.encode();
            }
        }
        Map<String, Instant> lastRuns = agents.lastRunAt(filter.organizationId(), page.stream().map(Agent::id).toList());
        Long total = includeCount ? agents.count(filter) : null;
        return new AgentPage(List.copyOf(page), lastRuns, nextCursor, prevCursor, hasMore, hasPrev, limit, offset,
                total);
    }

    /** A13: snapshots the live agent into a new version and publishes it. */
    @Transactional
    public Published publishLive(Tenant tenant, String id) {
        Agent agent = agents.findByOrganizationIdAndIdForUpdate(tenant.organizationId(), id)
                .orElseThrow(() -> ProblemException.notFound("Agent", id));
        AgentSnapshot snapshot = AgentSnapshot.of(agent, capabilities.ofAgent(agent.organizationId(), agent.id()).stream()
                .map(CapabilityView::of).toList());
        AgentVersion version = new AgentVersion(Ids.newId("agentver"), agent.id(), agent.organizationId(),
                versions.maxVersionNumber(agent.organizationId(), agent.id()) + 1, snapshot, null, null, now());
        versions.save(version);
        agents.update(withVersions(agent, agent.config(), snapshot, version.id()));
        return new Published(agent.id(), version.id(), false);
    }

    /** AV4: publishes one of the agent's versions; its snapshot becomes the live definition (a rollback). */
    @Transactional
    public Published publishVersion(Tenant tenant, String id, String versionId) {
        Agent agent = agents.findByOrganizationIdAndIdForUpdate(tenant.organizationId(), id)
                .orElseThrow(() -> ProblemException.notFound("Agent", id));
        AgentVersion version = versions.findByOrganizationIdAndAgentIdAndId(tenant.organizationId(), id, versionId)
                .orElseThrow(() -> ProblemException.notFound("Agent version", versionId));
        if (version.id().equals(agent.publishedVersionId())) {
            return new Published(agent.id(), version.id(), true);
        }
        agents.update(withVersions(agent, version.agentConfig().config(), version.agentConfig(), version.id()));
        restoreCapabilities(agent, version.agentConfig().capabilities());
        return new Published(agent.id(), version.id(), false);
    }

    /**
     * The version's capabilities become the agent's again, under their own ids (a capability's id stays
     * what executions and tool calls recorded). A snapshot from before capabilities existed (null) leaves
     * them alone. Bound flows and sub-agents are not checked again: a tool whose target is gone fails
     * when called, as it would had the target gone after the capability was added.
     */
    private void restoreCapabilities(Agent agent, @Nullable List<CapabilityView> restored) {
        if (restored == null) {
            return;
        }
        capabilities.deleteAllOfAgent(agent.organizationId(), agent.id());
        for (CapabilityView c : restored) {
            try {
                capabilities.insertIfNameFree(new Capability(c.id(), agent.id(), agent.organizationId(), c.toolName(),
                        c.toolDescription(), c.flowId(), c.subAgentId(), c.toolId(), c.parametersSchema(), c.enabled(),
                        c.displayOrder(), c.createdAt()), c.parametersSchema() == null ? null
                        : json.writeValueAsString(c.parametersSchema()));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** AV1: the agent and its versions, newest first. */
    @Transactional(readOnly = true)
    public Versions versions(Tenant tenant, String id) {
        Agent agent = get(tenant, id);
        List<AgentVersion> all = new ArrayList<>(
                versions.findByOrganizationIdAndAgentIdOrderByVersionNumberDesc(tenant.organizationId(), id));
        all.sort(Comparator.comparingInt(AgentVersion::versionNumber).reversed());
        return new Versions(agent, all);
    }

    /** AV3. */
    @Transactional(readOnly = true)
    public AgentVersion version(Tenant tenant, String id, String versionId) {
        get(tenant, id);
        return versions.findByOrganizationIdAndAgentIdAndId(tenant.organizationId(), id, versionId)
                .orElseThrow(() -> ProblemException.notFound("Agent version", versionId));
    }

    /** AV2: 404 while the agent was never published. */
    @Transactional(readOnly = true)
    public AgentVersion published(Tenant tenant, String id) {
        Agent agent = get(tenant, id);
        if (agent.publishedVersionId() == null) {
            throw new ProblemException(Problem.of(404, "Not Found", "not_found",
                    "Agent '" + id + "' has no published version", false));
        }
        return version(tenant, id, agent.publishedVersionId());
    }

    /** An agent and its versions. */
    public record Versions(Agent agent, List<AgentVersion> versions) {
    }

    private static Agent withVersions(Agent agent, AgentConfig config, AgentSnapshot snapshot, String publishedVersionId) {
        return new Agent(agent.id(), agent.organizationId(), agent.userId(), snapshot.name(), snapshot.description(),
                snapshot.icon(), snapshot.agentType(), snapshot.primaryFlowId(), config, agent.status(),
                publishedVersionId, null, agent.createdAt(), now());
    }

    private AgentConfig merged(AgentConfig stored, Map<String, Object> patch) {
        CreateAgentRequest.Config config;
        try {
            Map<String, Object> current = json.readValue(json.writeValueAsBytes(stored),
                    Argument.mapOf(String.class, Object.class));
            Map<String, Object> merged = deepMerge(current, patch);
            requireStrictNumbers(merged);
            config = json.readValue(json.writeValueAsBytes(merged), CreateAgentRequest.Config.class);
        } catch (IOException | RuntimeException e) {
            throw ProblemException.validation("config: a field has the wrong type or shape");
        }
        if (config == null) {
            throw ProblemException.validation("config must be an object");
        }
        Set<ConstraintViolation<CreateAgentRequest.Config>> violations = validator.validate(config);
        if (!violations.isEmpty()) {
            ConstraintViolation<CreateAgentRequest.Config> first = violations.iterator().next();
            throw ProblemException.validation("config." + first.getPropertyPath() + ": " + first.getMessage());
        }
        return config.resolve();
    }

    /** No silent coercion: a number field takes a JSON number, an integer field an integral one. */
    private static void requireStrictNumbers(Map<String, Object> config) {
        for (String field : List.of("temperature", "topP", "frequencyPenalty", "presencePenalty", "topK", "seed",
                "maxTurns", "maxToolCalls")) {
            Object value = config.get(field);
            if (value == null) {
                continue;
            }
            boolean integral = Set.of("topK", "seed", "maxTurns", "maxToolCalls").contains(field);
            if (!(value instanceof Number number)
                    || integral && new java.math.BigDecimal(number.toString()).stripTrailingZeros().scale() > 0) {
                throw ProblemException.validation("config." + field + " must be " + (integral ? "an integer" : "a number"));
            }
        }
    }

    /** Objects merge key by key (recursively); any other value, null included, replaces. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> deepMerge(Map<String, Object> base, Map<String, Object> patch) {
        Map<String, Object> merged = new LinkedHashMap<>(base);
        patch.forEach((key, value) -> {
            Object existing = merged.get(key);
            if (value instanceof Map<?, ?> patchMap && existing instanceof Map<?, ?> baseMap) {
                merged.put(key, deepMerge((Map<String, Object>) baseMap, (Map<String, Object>) patchMap));
            } else {
                merged.put(key, value);
            }
        });
        return merged;
    }

    private List<String> warnings(AgentConfig config) {
        List<String> warnings = new ArrayList<>();
        if (providers.stream().noneMatch(p -> p.serves(config.model()))) {
            // not fatal: a provider may be configured later, but every execution fails until then
            warnings.add("No configured model provider serves model '" + config.model()
                    + "'; executions of this agent will fail until one does");
        }
        List<String> unknownTools = toolbox.unknownToolIds(config.tools());
        if (!unknownTools.isEmpty()) {
            // flows and sub-agents are bound as tools with capabilities (A14), not through config.tools
            warnings.add("config.tools names no tool this service has: " + String.join(", ", unknownTools)
                    + " (built-in tools: " + String.join(", ", toolbox.builtInNames())
                    + "; bind flows and sub-agents with POST /v1/agents/:id/capabilities)");
        }
        return List.copyOf(warnings);
    }

    private static String checkedAgentType(@Nullable String requested) {
        String agentType = Objects.requireNonNullElse(requested, Agent.TYPE_RUNTYPE);
        if (!Agent.TYPE_RUNTYPE.equals(agentType) && !Agent.TYPE_EXTERNAL.equals(agentType)) {
            // managed agents need their own runtime; refuse rather than store an agent that cannot run
            throw ProblemException.badRequest("unsupported_agent_type", "agentType '" + agentType
                    + "' is not supported yet; supported: " + Agent.TYPE_RUNTYPE + ", " + Agent.TYPE_EXTERNAL);
        }
        return agentType;
    }

    private static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MILLIS);
    }
}
