package dev.runloom.agents.tools;

import dev.runloom.agents.loop.AgentSpec;
import dev.runloom.agents.loop.AgentTools;
import dev.runloom.agents.loop.ToolCall;
import dev.runloom.agents.loop.ToolOutcome;
import dev.runloom.common.tenant.Tenant;
import dev.runloom.models.ToolSpec;
import io.micronaut.core.type.Argument;
import io.micronaut.json.JsonMapper;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The tools an agent offers its model: the built-in tools its {@code config.tools} names — either a
 * list of tool ids, or {@code {"toolIds": [...]}}; an id is a built-in tool's name, optionally
 * prefixed {@code builtin:}. Ids that name no built-in tool are ignored (flow and sub-agent tools
 * come with capabilities, A14). A tool that fails answers the model with the error instead of ending
 * the execution, so the model can recover; the call is recorded as {@code failed}.
 */
@Singleton
public class AgentToolbox implements AgentTools {
    private static final Logger LOG = LoggerFactory.getLogger(AgentToolbox.class);
    public static final String TYPE_BUILTIN = "builtin";

    private final Map<String, BuiltInTool> builtIns = new LinkedHashMap<>();
    private final JsonMapper json;

    public AgentToolbox(Collection<BuiltInTool> builtIns, JsonMapper json) {
        builtIns.forEach(t -> this.builtIns.put(t.name(), t));
        this.json = json;
    }

    @Override
    public List<ToolSpec> offered(AgentSpec agent) {
        return enabled(agent).stream().map(t -> new ToolSpec(t.name(), t.description(), t.parameters())).toList();
    }

    @Override
    public ToolOutcome run(Tenant tenant, AgentSpec agent, ToolCall call) {
        long start = System.nanoTime();
        Optional<BuiltInTool> tool = enabled(agent).stream().filter(t -> t.name().equals(call.name())).findFirst();
        if (tool.isEmpty()) {
            return ToolOutcome.failed(TYPE_BUILTIN, null, null, "agent has no tool named '" + call.name() + "'",
                    elapsed(start));
        }
        Map<String, Object> arguments;
        try {
            arguments = json.readValue(call.argumentsJson(), Argument.mapOf(String.class, Object.class));
        } catch (IOException | RuntimeException e) {
            return ToolOutcome.failed(TYPE_BUILTIN, tool.get().description(), null,
                    "the arguments are not a JSON object", elapsed(start));
        }
        if (arguments == null) {
            arguments = Map.of();
        }
        try {
            Object output = tool.get().run(tenant, arguments);
            return ToolOutcome.completed(TYPE_BUILTIN, tool.get().description(), arguments, output, elapsed(start));
        } catch (ToolFailure e) {
            return ToolOutcome.failed(TYPE_BUILTIN, tool.get().description(), arguments, e.getMessage(), elapsed(start));
        } catch (RuntimeException e) {
            LOG.warn("tool {} failed unexpectedly", call.name(), e);
            return ToolOutcome.failed(TYPE_BUILTIN, tool.get().description(), arguments, "the tool failed unexpectedly",
                    elapsed(start));
        }
    }

    /** The ids in a {@code config.tools} value that name no tool (for the agent's {@code _warnings}). */
    public List<String> unknownToolIds(Object tools) {
        return toolIds(tools).stream()
                .filter(id -> !builtIns.containsKey(id.startsWith("builtin:") ? id.substring("builtin:".length()) : id))
                .toList();
    }

    private List<BuiltInTool> enabled(AgentSpec agent) {
        List<BuiltInTool> enabled = new ArrayList<>();
        for (String id : toolIds(agent.config().tools())) {
            String name = id.startsWith("builtin:") ? id.substring("builtin:".length()) : id;
            BuiltInTool tool = builtIns.get(name);
            if (tool != null && !enabled.contains(tool)) {
                enabled.add(tool);
            }
        }
        return enabled;
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
