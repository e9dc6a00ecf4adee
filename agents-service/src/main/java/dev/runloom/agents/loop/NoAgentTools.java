package dev.runloom.agents.loop;

import dev.runloom.models.ChatMessage;
import dev.runloom.models.ModelResponse;
import jakarta.inject.Singleton;

import java.util.List;

/**
 * The tools of an agent without capabilities: none. No model answer in {@code models} carries tool
 * calls yet (the built-in {@code local} model never asks for one), so nothing is ever requested.
 */
@Singleton
public class NoAgentTools implements AgentTools {

    @Override
    public List<ToolCall> requestedBy(ModelResponse response) {
        return List.of();
    }

    @Override
    public ChatMessage run(AgentSpec agent, ToolCall call) {
        throw new IllegalStateException("agent " + agent.agentId() + " has no tool named " + call.name());
    }
}
