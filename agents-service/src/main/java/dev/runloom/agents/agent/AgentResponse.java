package dev.runloom.agents.agent;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.runloom.agents.a2a.ExternalAgentView;
import dev.runloom.agents.a2a.ExternalAgents;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;

import java.time.Instant;
import java.util.List;

/**
 * The Agent object of the reference (§2.10) as create, get and update answer it. Update leaves
 * {@code capabilities} out (A6); {@code primaryFlow} is {@code {id}} of the primary flow, or null.
 */
@Serdeable
public record AgentResponse(String id, String userId, String organizationId, String name,
                            @Nullable String description, @Nullable String icon, String agentType,
                            @Nullable String primaryFlowId, @Nullable PrimaryFlow primaryFlow, AgentConfig config,
                            String status,
                            @JsonInclude(JsonInclude.Include.NON_NULL) @Nullable List<Object> capabilities,
                            @Nullable String publishedVersionId, @Nullable String draftVersionId, Instant createdAt,
                            Instant updatedAt, @JsonProperty("_warnings") List<String> warnings,
                            @Nullable ExternalAgentView externalConfig, @Nullable String healthStatus,
                            @Nullable Instant lastHealthCheckAt) {

    /** The expanded primary flow: its id (its name lives in flows-service and is not fetched yet). */
    @Serdeable
    public record PrimaryFlow(String id) {
        static @Nullable PrimaryFlow of(@Nullable String flowId) {
            return flowId == null ? null : new PrimaryFlow(flowId);
        }
    }

    public static AgentResponse of(Agent agent, List<String> warnings) {
        // capabilities come with the capabilities feature (A14/A15); until then an agent has none
        return new AgentResponse(agent.id(), agent.userId(), agent.organizationId(), agent.name(),
                agent.description(), agent.icon(), agent.agentType(), agent.primaryFlowId(),
                PrimaryFlow.of(agent.primaryFlowId()), agent.config(), agent.status(), List.of(),
                agent.publishedVersionId(), agent.draftVersionId(), agent.createdAt(), agent.updatedAt(), warnings,
                null, null, null);
    }

    static AgentResponse updated(Agent agent, List<String> warnings) {
        return new AgentResponse(agent.id(), agent.userId(), agent.organizationId(), agent.name(),
                agent.description(), agent.icon(), agent.agentType(), agent.primaryFlowId(),
                PrimaryFlow.of(agent.primaryFlowId()), agent.config(), agent.status(), null,
                agent.publishedVersionId(), agent.draftVersionId(), agent.createdAt(), agent.updatedAt(), warnings,
                null, null, null);
    }

    /** The same answer with an external agent's {@code externalConfig} (its cached card included) and health. */
    public AgentResponse withExternal(@Nullable ExternalAgentView external, @Nullable String health,
                                      @Nullable Instant lastCheck) {
        return new AgentResponse(id, userId, organizationId, name, description, icon, agentType, primaryFlowId,
                primaryFlow, config, status, capabilities, publishedVersionId, draftVersionId, createdAt, updatedAt,
                warnings, external, health, lastCheck);
    }

    public AgentResponse withExternal(ExternalAgents.Read read) {
        return withExternal(read.external(), read.healthStatus(), read.lastHealthCheckAt());
    }
}
