package dev.runloom.agents.execution;

import dev.runloom.agents.agents.Agent;
import dev.runloom.agents.agents.AgentConfig;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;

/**
 * The agent definition an execution ran with, snapshotted into the execution ({@code agentSpec}) so a
 * later edit of the agent never changes what a past execution says it did.
 */
@Serdeable
public record AgentSpec(String agentId, String name, String agentType, @Nullable String primaryFlowId,
                        AgentConfig config) {

    public static AgentSpec of(Agent agent) {
        return new AgentSpec(agent.id(), agent.name(), agent.agentType(), agent.primaryFlowId(), agent.config());
    }
}
