package dev.runloom.agents.capabilities;

import dev.runloom.agents.agent.AgentService;
import dev.runloom.agents.tools.AgentToolbox;
import dev.runloom.common.id.Ids;
import dev.runloom.common.problem.ProblemException;
import dev.runloom.common.tenant.Tenant;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.json.JsonMapper;
import io.micronaut.transaction.annotation.Transactional;
import jakarta.inject.Singleton;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Capabilities (A14/A15): tools bound to an agent. A capability binds exactly one of a flow, a
 * sub-agent (another agent of the organization, never the agent itself) or a built-in tool; its
 * {@code toolName} is what the model sees and is unique per agent. Whether a flow exists is asked of
 * flows-service by the controller before this runs (no connection held while a peer answers).
 */
@Singleton
public class CapabilityService {
    /** What model providers accept as a function name (and the local model's {@code @name} mentions). */
    static final Pattern TOOL_NAME = Pattern.compile("[A-Za-z0-9_-]{1,100}");
    static final int MAX_DESCRIPTION = 10_000;
    static final int MAX_ID = 200;
    static final int MAX_SCHEMA_BYTES = 64 * 1024;

    private final CapabilityRepository capabilities;
    private final AgentService agents;
    private final AgentToolbox toolbox;
    private final JsonMapper json;

    public CapabilityService(CapabilityRepository capabilities, AgentService agents, AgentToolbox toolbox,
                             JsonMapper json) {
        this.capabilities = capabilities;
        this.agents = agents;
        this.toolbox = toolbox;
        this.json = json;
    }

    /**
     * The request's shape, checked before anything is read or asked: 400 naming the field. Returns the
     * trimmed flow id to check with flows-service, or null when the capability binds no flow.
     */
    public @Nullable String checkShape(CreateCapabilityRequest request) {
        if (request.toolName() == null) {
            throw ProblemException.validation("toolName is required");
        }
        if (!TOOL_NAME.matcher(request.toolName()).matches()) {
            throw ProblemException.validation(
                    "toolName must be 1-100 characters of letters, digits, '_' or '-' (the name the model calls)");
        }
        if (request.toolDescription() != null && request.toolDescription().length() > MAX_DESCRIPTION) {
            throw ProblemException.validation("toolDescription is longer than " + MAX_DESCRIPTION + " characters");
        }
        int bound = 0;
        for (var entry : new String[][]{{"flowId", request.flowId()}, {"subAgentId", request.subAgentId()},
                {"toolId", request.toolId()}}) {
            String value = entry[1];
            if (value == null) {
                continue;
            }
            if (value.isBlank() || value.length() > MAX_ID) {
                throw ProblemException.validation(entry[0] + " must be a non-empty id of at most " + MAX_ID + " characters");
            }
            bound++;
        }
        if (bound != 1) {
            throw ProblemException.validation("exactly one of flowId, subAgentId or toolId is required");
        }
        request.order();
        request.enabledFlag();
        if (request.parametersSchema() != null && schemaText(request.parametersSchema()).length() > MAX_SCHEMA_BYTES) {
            throw ProblemException.validation("parametersSchema is larger than " + MAX_SCHEMA_BYTES + " bytes of JSON");
        }
        Object type = request.parametersSchema() == null ? null : request.parametersSchema().get("type");
        if (type != null && !"object".equals(type)) {
            throw ProblemException.validation("parametersSchema.type must be \"object\" (tool arguments are an object)");
        }
        return request.flowId() == null ? null : request.flowId().trim();
    }

    /**
     * A14: 404 for an unknown agent or sub-agent (another organization's included), 400 for a sub-agent
     * that is the agent itself or an unknown built-in tool, 409 {@code capability_name_taken} when the
     * agent already has a tool of that name.
     */
    @Transactional
    public Capability add(Tenant tenant, String agentId, CreateCapabilityRequest request) {
        checkShape(request);
        agents.get(tenant, agentId);
        String subAgentId = trimmed(request.subAgentId());
        if (subAgentId != null) {
            if (subAgentId.equals(agentId)) {
                throw ProblemException.badRequest("invalid_sub_agent", "subAgentId must name another agent, not the agent itself");
            }
            if (agents.find(tenant.organizationId(), subAgentId).isEmpty()) {
                throw ProblemException.notFound("Agent", subAgentId);
            }
        }
        String toolId = trimmed(request.toolId());
        if (toolId != null && !toolbox.isBuiltIn(toolId)) {
            throw ProblemException.badRequest("unknown_tool", "toolId '" + toolId + "' names no built-in tool; built-in tools: "
                    + String.join(", ", toolbox.builtInNames()));
        }
        int order = request.order() != null ? request.order()
                : capabilities.maxDisplayOrder(tenant.organizationId(), agentId) + 1;
        Capability capability = new Capability(Ids.newId("cap"), agentId, tenant.organizationId(), request.toolName(),
                request.toolDescription(), trimmed(request.flowId()), subAgentId, toolId, request.parametersSchema(),
                request.enabledFlag() == null || request.enabledFlag(), order, Instant.now().truncatedTo(ChronoUnit.MILLIS));
        if (!capabilities.insertIfNameFree(capability,
                request.parametersSchema() == null ? null : schemaText(request.parametersSchema()))) {
            throw ProblemException.conflict("capability_name_taken",
                    "Agent '" + agentId + "' already has a capability named '" + request.toolName() + "'");
        }
        return capability;
    }

    /** A15: 404 for an unknown agent or capability (another organization's included). */
    @Transactional
    public void remove(Tenant tenant, String agentId, String capabilityId) {
        agents.get(tenant, agentId);
        if (capabilities.deleteCapability(tenant.organizationId(), agentId, capabilityId) != 1) {
            throw ProblemException.notFound("Capability", capabilityId);
        }
    }

    /** The agent's capabilities, in display order. */
    @Transactional(readOnly = true)
    public List<CapabilityView> of(String organizationId, String agentId) {
        return capabilities.ofAgent(organizationId, agentId).stream().map(CapabilityView::of).toList();
    }

    /** How many capabilities each agent has (A1's {@code capabilityCount}). */
    @Transactional(readOnly = true)
    public Map<String, Integer> counts(String organizationId, List<String> agentIds) {
        return capabilities.countByAgent(organizationId, agentIds);
    }

    private String schemaText(Map<String, Object> schema) {
        try {
            return new String(json.writeValueAsBytes(schema), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw ProblemException.validation("parametersSchema is not a JSON object");
        }
    }

    private static @Nullable String trimmed(@Nullable String value) {
        return value == null ? null : value.trim();
    }
}
