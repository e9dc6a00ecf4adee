package dev.runloom.agents.loop;

import dev.runloom.common.tenant.Tenant;
import dev.runloom.models.ToolSpec;

import java.util.List;

/**
 * What the loop needs from tools: the tools an agent offers its model, and running one call. A
 * call always ends in an outcome (a failure included); the loop feeds it back to the model.
 */
public interface AgentTools {

    List<ToolSpec> offered(AgentSpec agent);

    ToolOutcome run(Tenant tenant, AgentSpec agent, ToolCall call, ToolContext context);
}
