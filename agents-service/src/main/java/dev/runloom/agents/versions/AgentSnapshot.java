package dev.runloom.agents.versions;

import dev.runloom.agents.agent.Agent;
import dev.runloom.agents.agent.AgentConfig;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;

/** What a version keeps of an agent: its definition, not its identity, status or timestamps. */
@Serdeable
public record AgentSnapshot(String name, @Nullable String description, @Nullable String icon, String agentType,
                            @Nullable String primaryFlowId, AgentConfig config) {

    public static AgentSnapshot of(Agent agent) {
        return new AgentSnapshot(agent.name(), agent.description(), agent.icon(), agent.agentType(),
                agent.primaryFlowId(), agent.config());
    }
}
