package dev.runloom.agents.tools;

import dev.runloom.agents.agent.Agent;
import dev.runloom.agents.agent.AgentService;
import dev.runloom.agents.capabilities.CapabilityView;
import dev.runloom.agents.loop.AgentExecutionOutcome;
import dev.runloom.agents.loop.AgentExecutor;
import dev.runloom.agents.loop.ToolContext;
import dev.runloom.common.tenant.Tenant;
import dev.runloom.models.ChatMessage;
import io.micronaut.context.BeanProvider;
import io.micronaut.context.annotation.Value;
import io.micronaut.json.JsonMapper;
import jakarta.inject.Singleton;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A sub-agent as a tool: the capability's agent runs as a <b>child execution</b> of the calling one
 * ({@code parentExecutionId}), with the tool's {@code message} argument (or, under a custom schema,
 * the arguments as JSON) as its user message. The child is recorded like any execution (A10 under
 * its own agent, listed by the parent's drill-down {@code ?parentExecutionId=}); the tool output
 * points to it ({@code executionId}), and its tokens and cost roll up into the parent's totals.
 * Nesting is bounded: an agent already in the chain that led here is a cycle, and more than
 * {@code runloom.agents.max-sub-agent-depth} (3) levels below the first execution are refused —
 * both are tool errors the model reads, never a hang. The executor and the agents are looked up
 * lazily: they need the toolbox this tool is part of.
 */
@Singleton
public class SubAgentTool {
    static final Map<String, Object> PARAMETERS = Map.of("type", "object",
            "properties", Map.of("message", Map.of("type", "string", "description", "what to ask the agent")),
            "required", List.of("message"));

    private final BeanProvider<AgentExecutor> executor;
    private final BeanProvider<AgentService> agents;
    private final JsonMapper json;
    private final int maxDepth;

    public SubAgentTool(BeanProvider<AgentExecutor> executor, BeanProvider<AgentService> agents, JsonMapper json,
                        @Value("${runloom.agents.max-sub-agent-depth:3}") int maxDepth) {
        this.executor = executor;
        this.agents = agents;
        this.json = json;
        this.maxDepth = maxDepth;
    }

    CapabilityResult run(Tenant tenant, CapabilityView capability, Map<String, Object> arguments, ToolContext context) {
        String subAgentId = capability.subAgentId();
        if (context.agentChain().contains(subAgentId)) {
            throw new ToolFailure("agent '" + subAgentId + "' is already running in this chain ("
                    + String.join(" -> ", context.agentChain()) + "); calling it again would be a cycle");
        }
        if (context.agentChain().size() > maxDepth) {
            throw new ToolFailure("sub-agents nest at most " + maxDepth + " levels deep; agent '" + subAgentId
                    + "' would be level " + context.agentChain().size());
        }
        Agent child = agents.get().find(tenant.organizationId(), subAgentId)
                .orElseThrow(() -> new ToolFailure("sub-agent '" + subAgentId + "' does not exist (any more)"));
        AgentExecutionOutcome outcome = executor.get().executeChild(tenant, child,
                List.of(new ChatMessage("user", message(arguments))), context);
        var result = outcome.result();
        Map<String, Object> output = new LinkedHashMap<>();
        output.put("executionId", outcome.execution().id());
        output.put("agentId", child.id());
        output.put("status", result.status());
        output.put("finalOutput", result.finalOutput());
        output.put("totalTokens", result.totalTokens());
        output.put("totalCost", result.totalCost().stripTrailingZeros().toPlainString());
        boolean success = outcome.error() == null;
        return new CapabilityResult(success, output,
                success ? null : "sub-agent execution " + outcome.execution().id() + " failed: " + outcome.error().message(),
                result.totalTokens(), result.totalCost());
    }

    private String message(Map<String, Object> arguments) {
        if (arguments.get("message") instanceof String text && !text.isBlank()) {
            return text;
        }
        if (arguments.isEmpty()) {
            throw new ToolFailure("message is required: what to ask the agent");
        }
        try {
            return new String(json.writeValueAsBytes(arguments), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ToolFailure("the arguments cannot be given to the agent");
        }
    }
}
