package dev.runloom.agents.agent;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;

import java.time.Instant;

/** An agent as the A1 list shows it; {@code lastRunAt} is its newest execution's creation time. */
@Serdeable
public record AgentListItem(String id, String name, @Nullable String description, @Nullable String icon,
                            String agentType, @Nullable String primaryFlowId, AgentConfig config, String status,
                            Instant createdAt, Instant updatedAt, int capabilityCount, @Nullable Instant lastRunAt) {

    static AgentListItem of(Agent agent, int capabilityCount, @Nullable Instant lastRunAt) {
        return new AgentListItem(agent.id(), agent.name(), agent.description(), agent.icon(), agent.agentType(),
                agent.primaryFlowId(), agent.config(), agent.status(), agent.createdAt(), agent.updatedAt(), capabilityCount,
                lastRunAt);
    }
}
