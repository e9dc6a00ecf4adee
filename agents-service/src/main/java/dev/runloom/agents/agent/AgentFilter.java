package dev.runloom.agents.agent;

import io.micronaut.core.annotation.Nullable;

/** The A1 list's filters: {@code search} matches name or description (case-insensitive substring). */
public record AgentFilter(String organizationId, @Nullable String search, @Nullable String status,
                          @Nullable String agentType) {
}
