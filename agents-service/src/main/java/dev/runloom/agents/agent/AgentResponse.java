package dev.runloom.agents.agent;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;

import java.time.Instant;
import java.util.List;

/** The Agent object of the reference (§2.10) as create and get answer it. */
@Serdeable
public record AgentResponse(String id, String userId, String organizationId, String name,
                            @Nullable String description, @Nullable String icon, String agentType,
                            @Nullable String primaryFlowId, AgentConfig config, String status,
                            List<Object> capabilities, @Nullable String publishedVersionId,
                            @Nullable String draftVersionId, Instant createdAt, Instant updatedAt,
                            @JsonProperty("_warnings") List<String> warnings) {

    static AgentResponse of(Agent agent, List<String> warnings) {
        // capabilities come with the capabilities feature; until then an agent has none
        return new AgentResponse(agent.id(), agent.userId(), agent.organizationId(), agent.name(),
                agent.description(), agent.icon(), agent.agentType(), agent.primaryFlowId(), agent.config(),
                agent.status(), List.of(), agent.publishedVersionId(), agent.draftVersionId(), agent.createdAt(),
                agent.updatedAt(), warnings);
    }
}
