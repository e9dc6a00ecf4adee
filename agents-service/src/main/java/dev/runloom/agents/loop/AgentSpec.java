package dev.runloom.agents.loop;

import dev.runloom.agents.agent.Agent;
import dev.runloom.agents.agent.AgentConfig;
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
