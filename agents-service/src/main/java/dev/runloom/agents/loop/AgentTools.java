package dev.runloom.agents.loop;

import dev.runloom.models.ChatMessage;
import dev.runloom.models.ModelResponse;

import java.util.List;

/**
 * What the loop needs from tools: the calls a model answer asks for, and running one of them into a
 * message the model reads on its next iteration. Capabilities (flows, sub-agents, built-in tools)
 * plug in here.
 */
public interface AgentTools {

    List<ToolCall> requestedBy(ModelResponse response);

    ChatMessage run(AgentSpec agent, ToolCall call);
}
