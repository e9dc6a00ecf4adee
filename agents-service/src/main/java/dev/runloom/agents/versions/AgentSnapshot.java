package dev.runloom.agents.versions;

import dev.runloom.agents.agent.Agent;
import dev.runloom.agents.agent.AgentConfig;
import dev.runloom.agents.capabilities.CapabilityView;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;

import java.util.List;

/**
 * What a version keeps of an agent: its definition, not its identity, status or timestamps — the
 * capabilities (tools) included, so a rollback restores what the agent could do. {@code capabilities}
 * is null in snapshots written before capabilities existed: a rollback to one leaves them as they are.
 */
@Serdeable
public record AgentSnapshot(String name, @Nullable String description, @Nullable String icon, String agentType,
                            @Nullable String primaryFlowId, AgentConfig config,
                            @Nullable List<CapabilityView> capabilities) {

    public static AgentSnapshot of(Agent agent, @Nullable List<CapabilityView> capabilities) {
        return new AgentSnapshot(agent.name(), agent.description(), agent.icon(), agent.agentType(),
                agent.primaryFlowId(), agent.config(), capabilities);
    }
}
