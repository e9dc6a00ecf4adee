package dev.runloom.agents.tools;

import dev.runloom.agents.loop.ToolContext;
import dev.runloom.common.tenant.Tenant;

import java.util.Map;

/**
 * A tool the platform provides (toolType {@code builtin}): enabled per agent by naming it in
 * {@code config.tools}, or bound under a name of the agent's choosing by a capability's {@code toolId}
 * (see {@link AgentToolbox}).
 */
public interface BuiltInTool {

    /** The name the model sees and calls. */
    String name();

    String description();

    /** The arguments as a JSON Schema object. */
    Map<String, Object> parameters();

    /**
     * Runs the tool on the executing tenant's behalf; the result is any JSON value. {@code context}
     * names the call (its idempotency key is {@code executionId:toolCallId}).
     *
     * @throws ToolFailure when the tool cannot do what was asked; its message goes back to the model
     */
    Object run(Tenant tenant, Map<String, Object> arguments, ToolContext context);
}
