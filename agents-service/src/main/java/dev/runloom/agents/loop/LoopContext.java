package dev.runloom.agents.loop;

import java.util.List;

/**
 * Which execution a run of the loop belongs to, and the chain of agents that led to it: the root
 * agent first, this execution's agent last. A sub-agent run extends the chain; its length bounds the
 * nesting and a repeated agent is a cycle (see {@code SubAgentRunner}).
 */
public record LoopContext(String executionId, List<String> agentChain) {

    public LoopContext {
        agentChain = List.copyOf(agentChain);
    }

    /** 0 for an execution nobody else started, 1 for its sub-agents, and so on. */
    public int depth() {
        return agentChain.size() - 1;
    }

    /** The context of one tool call made in this run. */
    public ToolContext tool(String toolCallId) {
        return new ToolContext(executionId, toolCallId, agentChain);
    }
}
