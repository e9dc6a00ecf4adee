package dev.runloom.agents.loop;

import java.util.List;

/**
 * One tool call as a tool sees it: the execution making it, the call's own id ({@code toolcall_…},
 * what idempotency keys and child runs are tied to) and the chain of agents that led to it.
 */
public record ToolContext(String executionId, String toolCallId, List<String> agentChain) {

    public ToolContext {
        agentChain = List.copyOf(agentChain);
    }

    /** The key a tool's write is made once under: execution id + tool call id. */
    public String idempotencyKey() {
        return executionId + ":" + toolCallId;
    }
}
