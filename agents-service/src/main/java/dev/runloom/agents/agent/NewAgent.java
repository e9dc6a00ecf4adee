package dev.runloom.agents.agent;

import io.micronaut.core.annotation.Nullable;

/** What a caller asks for when creating an agent; absent config values take the defaults. */
public record NewAgent(String name, @Nullable String description, @Nullable String icon, @Nullable String agentType,
                       @Nullable String primaryFlowId, CreateAgentRequest.Config config) {
}
