package dev.runloom.agents.tools;

import dev.runloom.agents.capabilities.Capability;
import dev.runloom.agents.capabilities.CapabilityView;
import dev.runloom.agents.loop.AgentSpec;
import dev.runloom.agents.loop.AgentTools;
import dev.runloom.agents.loop.ToolCall;
import dev.runloom.agents.loop.ToolContext;
import dev.runloom.agents.loop.ToolOutcome;
import dev.runloom.common.tenant.Tenant;
import dev.runloom.models.ToolSpec;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.type.Argument;
import io.micronaut.json.JsonMapper;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The tools an agent offers its model:
 * <ul>
 *   <li>its enabled <b>capabilities</b> (A14), under their {@code toolName}: a flow (run by
 *       flows-service, {@link FlowTool}), a sub-agent (a child execution, {@link SubAgentTool}) or a
 *       built-in tool ({@code toolId}), with the capability's {@code parametersSchema} (else the bound
 *       tool's own, or any object);</li>
 *   <li>the built-in tools its {@code config.tools} names — either a list of tool ids, or
 *       {@code {"toolIds": [...]}}; an id is a built-in tool's name, optionally prefixed
 *       {@code builtin:}; ids that name no built-in tool are ignored. A capability's name wins over
 *       a built-in tool of the same name.</li>
 * </ul>
 * A tool that fails answers the model with the error instead of ending the execution, so the model
 * can recover; the call is recorded as {@code failed}.
 */
@Singleton
public class AgentToolbox implements AgentTools {
    private static final Logger LOG = LoggerFactory.getLogger(AgentToolbox.class);
    public static final String TYPE_BUILTIN = "builtin";
    static final Map<String, Object> ANY_OBJECT = Map.of("type", "object");

    private final Map<String, BuiltInTool> builtIns = new LinkedHashMap<>();
    private final FlowTool flows;
    private final SubAgentTool subAgents;
    private final JsonMapper json;

    public AgentToolbox(Collection<BuiltInTool> builtIns, FlowTool flows, SubAgentTool subAgents, JsonMapper json) {
        builtIns.forEach(t -> this.builtIns.put(t.name(), t));
        this.flows = flows;
        this.subAgents = subAgents;
        this.json = json;
    }

    @Override
    public List<ToolSpec> offered(AgentSpec agent) {
        List<ToolSpec> offered = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (CapabilityView capability : capabilities(agent)) {
            if (names.add(capability.toolName())) {
                offered.add(new ToolSpec(capability.toolName(), description(capability), parameters(capability)));
            }
        }
        for (BuiltInTool tool : enabled(agent)) {
            if (names.add(tool.name())) {
                offered.add(new ToolSpec(tool.name(), tool.description(), tool.parameters()));
            }
        }
        return offered;
    }

    @Override
    public ToolOutcome run(Tenant tenant, AgentSpec agent, ToolCall call, ToolContext context) {
        long start = System.nanoTime();
        Optional<CapabilityView> capability = capabilities(agent).stream()
                .filter(c -> c.toolName().equals(call.name())).findFirst();
        if (capability.isPresent()) {
            return runCapability(tenant, capability.get(), call, context, start);
        }
        Optional<BuiltInTool> tool = enabled(agent).stream().filter(t -> t.name().equals(call.name())).findFirst();
        if (tool.isEmpty()) {
            return ToolOutcome.failed(TYPE_BUILTIN, null, null, "agent has no tool named '" + call.name() + "'",
                    elapsed(start));
        }
        return runBuiltIn(tenant, tool.get(), tool.get().description(), call, context, start);
    }

    /** Whether a built-in tool has this name ({@code builtin:} prefix allowed): what a capability's {@code toolId} may name. */
    public boolean isBuiltIn(String toolId) {
        return builtIns.containsKey(unprefixed(toolId));
    }

    public List<String> builtInNames() {
        return List.copyOf(builtIns.keySet());
    }

    /** The ids in a {@code config.tools} value that name no tool (for the agent's {@code _warnings}). */
    public List<String> unknownToolIds(Object tools) {
        return toolIds(tools).stream().filter(id -> !builtIns.containsKey(unprefixed(id))).toList();
    }

    private ToolOutcome runCapability(Tenant tenant, CapabilityView capability, ToolCall call, ToolContext context,
                                      long start) {
        String type = capability.bindingType();
        String description = description(capability);
        if (Capability.TYPE_TOOL.equals(type)) {
            BuiltInTool tool = builtIns.get(unprefixed(capability.toolId()));
            if (tool == null) {
                return ToolOutcome.failed(TYPE_BUILTIN, description, null,
                        "built-in tool '" + capability.toolId() + "' does not exist", elapsed(start));
            }
            return runBuiltIn(tenant, tool, description, call, context, start);
        }
        Map<String, Object> arguments = arguments(call);
        if (arguments == null) {
            return ToolOutcome.failed(type, description, null, "the arguments are not a JSON object", elapsed(start));
        }
        try {
            CapabilityResult result = Capability.TYPE_FLOW.equals(type)
                    ? flows.run(tenant, capability, arguments, context)
                    : subAgents.run(tenant, capability, arguments, context);
            return new ToolOutcome(result.success(), type, description, arguments, result.output(), result.error(),
                    elapsed(start), result.tokens(), result.cost());
        } catch (ToolFailure e) {
            return ToolOutcome.failed(type, description, arguments, e.getMessage(), elapsed(start));
        } catch (RuntimeException e) {
            LOG.warn("tool {} ({}) failed unexpectedly", call.name(), type, e);
            return ToolOutcome.failed(type, description, arguments, "the tool failed unexpectedly", elapsed(start));
        }
    }

    private ToolOutcome runBuiltIn(Tenant tenant, BuiltInTool tool, String description, ToolCall call,
                                   ToolContext context, long start) {
        Map<String, Object> arguments = arguments(call);
        if (arguments == null) {
            return ToolOutcome.failed(TYPE_BUILTIN, description, null, "the arguments are not a JSON object",
                    elapsed(start));
        }
        try {
            Object output = tool.run(tenant, arguments, context);
            return ToolOutcome.completed(TYPE_BUILTIN, description, arguments, output, elapsed(start));
        } catch (ToolFailure e) {
            return ToolOutcome.failed(TYPE_BUILTIN, description, arguments, e.getMessage(), elapsed(start));
        } catch (RuntimeException e) {
            LOG.warn("tool {} failed unexpectedly", call.name(), e);
            return ToolOutcome.failed(TYPE_BUILTIN, description, arguments, "the tool failed unexpectedly",
                    elapsed(start));
        }
    }

    /** The call's arguments as an object ({@code {}} when none); null when they are not a JSON object. */
    private @Nullable Map<String, Object> arguments(ToolCall call) {
        if (call.argumentsJson() == null || call.argumentsJson().isBlank()) {
            return Map.of();
        }
        try {
            Map<String, Object> arguments = json.readValue(call.argumentsJson(),
                    Argument.mapOf(String.class, Object.class));
            return arguments == null ? Map.of() : arguments;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private String description(CapabilityView capability) {
        if (capability.toolDescription() != null && !capability.toolDescription().isBlank()) {
            return capability.toolDescription();
        }
        return switch (capability.bindingType()) {
            case Capability.TYPE_FLOW -> "Runs flow " + capability.flowId() + " with the arguments as its variables";
            case Capability.TYPE_SUB_AGENT -> "Asks agent " + capability.subAgentId() + " (give it a message)";
            default -> {
                BuiltInTool tool = builtIns.get(unprefixed(capability.toolId()));
                yield tool == null ? capability.toolName() : tool.description();
            }
        };
    }

    private Map<String, Object> parameters(CapabilityView capability) {
        if (capability.parametersSchema() != null) {
            return capability.parametersSchema();
        }
        return switch (capability.bindingType()) {
            case Capability.TYPE_FLOW -> ANY_OBJECT;
            case Capability.TYPE_SUB_AGENT -> SubAgentTool.PARAMETERS;
            default -> {
                BuiltInTool tool = builtIns.get(unprefixed(capability.toolId()));
                yield tool == null ? ANY_OBJECT : tool.parameters();
            }
        };
    }

    private static List<CapabilityView> capabilities(AgentSpec agent) {
        return agent.capabilities().stream().filter(CapabilityView::enabled).toList();
    }

    private List<BuiltInTool> enabled(AgentSpec agent) {
        List<BuiltInTool> enabled = new ArrayList<>();
        for (String id : toolIds(agent.config().tools())) {
            BuiltInTool tool = builtIns.get(unprefixed(id));
            if (tool != null && !enabled.contains(tool)) {
                enabled.add(tool);
            }
        }
        return enabled;
    }

    private static String unprefixed(String id) {
        return id.startsWith("builtin:") ? id.substring("builtin:".length()) : id;
    }

    private static List<String> toolIds(Object tools) {
        Object ids = tools instanceof Map<?, ?> map ? map.get("toolIds") : tools;
        if (!(ids instanceof List<?> list)) {
            return List.of();
        }
        return list.stream().filter(String.class::isInstance).map(String.class::cast).toList();
    }

    private static long elapsed(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }
}
