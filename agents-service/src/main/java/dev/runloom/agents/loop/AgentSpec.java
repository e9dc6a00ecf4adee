package dev.runloom.agents.loop;

import dev.runloom.agents.agent.Agent;
import dev.runloom.agents.agent.AgentConfig;
import dev.runloom.agents.capabilities.CapabilityView;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;

import java.util.List;

/**
 * The agent definition an execution ran with, snapshotted into the execution ({@code agentSpec}) so a
 * later edit of the agent never changes what a past execution says it did: its config and the
 * capabilities (tools) it offered.
 */
@Serdeable
public record AgentSpec(String agentId, String name, String agentType, @Nullable String primaryFlowId,
                        AgentConfig config, List<CapabilityView> capabilities) {

    public AgentSpec {
        capabilities = capabilities == null ? List.of() : List.copyOf(capabilities);
    }

    /** A spec without capabilities. */
    public AgentSpec(String agentId, String name, String agentType, @Nullable String primaryFlowId, AgentConfig config) {
        this(agentId, name, agentType, primaryFlowId, config, List.of());
    }

    public static AgentSpec of(Agent agent, List<CapabilityView> capabilities) {
        return new AgentSpec(agent.id(), agent.name(), agent.agentType(), agent.primaryFlowId(), agent.config(),
                capabilities);
    }
}
