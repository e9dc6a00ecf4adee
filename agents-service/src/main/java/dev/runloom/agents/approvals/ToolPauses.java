package dev.runloom.agents.approvals;

import dev.runloom.agents.loop.AgentSpec;
import dev.runloom.models.ToolSpec;
import io.micronaut.core.annotation.Nullable;
import jakarta.inject.Singleton;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Which tool calls pause an execution, read from the agent's config (reference §2.10 names the
 * fields, not their shape; this is the shape Runloom gives them):
 * <ul>
 *   <li>{@code config.humanInLoopApprovals}: {@code true} (every tool needs an approval), a list of
 *       tool names, or {@code {"tools": [names], "onDeny": "continue"|"stop", "enabled": bool}}
 *       ({@code tools} absent: every tool). A name may carry the {@code builtin:} prefix. On deny the
 *       model reads that the call was denied and goes on ({@code continue}, the default: A17 answers
 *       with a continuation), or the execution stops as {@code cancelled} ({@code stop}).</li>
 *   <li>{@code config.tools.localTools}: client-side tools, {@code [{"name", "description",
 *       "parametersSchema"}]} (with {@code config.tools} as an object, beside {@code toolIds}). The
 *       model is offered them; when it calls one, the execution awaits the client's output (A18).</li>
 * </ul>
 * Malformed entries are ignored.
 */
@Singleton
public class ToolPauses {
    /** What a tool call needs before it can run. */
    public enum Gate { NONE, APPROVAL, LOCAL }

    public static final String TYPE_LOCAL = "local";
    private static final Pattern TOOL_NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    public Gate gate(AgentSpec agent, String toolName) {
        if (localTools(agent).containsKey(toolName)) {
            return Gate.LOCAL;
        }
        Object approvals = agent.config().humanInLoopApprovals();
        if (approvals instanceof Boolean all) {
            return all ? Gate.APPROVAL : Gate.NONE;
        }
        if (approvals instanceof List<?> names) {
            return named(names, toolName) ? Gate.APPROVAL : Gate.NONE;
        }
        if (approvals instanceof Map<?, ?> map) {
            if (Boolean.FALSE.equals(map.get("enabled"))) {
                return Gate.NONE;
            }
            Object tools = map.get("tools");
            if (tools == null) {
                return Gate.APPROVAL;
            }
            return tools instanceof List<?> names && named(names, toolName) ? Gate.APPROVAL : Gate.NONE;
        }
        return Gate.NONE;
    }

    /** Whether a denied call stops the execution ({@code onDeny: "stop"}) rather than telling the model. */
    public boolean stopsOnDeny(AgentSpec agent) {
        return agent.config().humanInLoopApprovals() instanceof Map<?, ?> map && "stop".equals(map.get("onDeny"));
    }

    /** The client-side tools the model is offered besides the agent's own ones. */
    public List<ToolSpec> offeredLocalTools(AgentSpec agent) {
        return new ArrayList<>(localTools(agent).values());
    }

    public @Nullable String localDescription(AgentSpec agent, String name) {
        ToolSpec spec = localTools(agent).get(name);
        return spec == null ? null : spec.description();
    }

    private static boolean named(List<?> names, String toolName) {
        return names.stream().anyMatch(n -> n instanceof String s
                && (s.equals(toolName) || s.equals("builtin:" + toolName)));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, ToolSpec> localTools(AgentSpec agent) {
        Map<String, ToolSpec> tools = new LinkedHashMap<>();
        if (!(agent.config().tools() instanceof Map<?, ?> config) || !(config.get("localTools") instanceof List<?> list)) {
            return tools;
        }
        for (Object entry : list) {
            if (entry instanceof Map<?, ?> tool && tool.get("name") instanceof String name
                    && TOOL_NAME.matcher(name).matches()) {
                Object schema = tool.get("parametersSchema") != null ? tool.get("parametersSchema") : tool.get("parameters");
                Map<String, Object> parameters = schema instanceof Map<?, ?> m ? (Map<String, Object>) m
                        : Map.of("type", "object", "properties", Map.of());
                tools.putIfAbsent(name, new ToolSpec(name,
                        tool.get("description") instanceof String d ? d : null, parameters));
            }
        }
        return tools;
    }
}
