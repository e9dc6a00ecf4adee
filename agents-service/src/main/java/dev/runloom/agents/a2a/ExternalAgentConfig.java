package dev.runloom.agents.a2a;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;
import io.micronaut.data.annotation.TypeDef;
import io.micronaut.data.model.DataType;

import java.time.Instant;
import java.util.Map;

/**
 * An external agent's row (table {@code agent_external_configs}, V7): its {@code externalConfig}, the
 * agent card last fetched (from {@code agentCardUrl}, the URL that answered) and its health.
 */
@MappedEntity("agent_external_configs")
public record ExternalAgentConfig(@Id String agentId,
                                  String organizationId,
                                  @TypeDef(type = DataType.JSON) ExternalConfig externalConfig,
                                  @Nullable @TypeDef(type = DataType.JSON) Map<String, Object> agentCard,
                                  @Nullable String agentCardUrl,
                                  @Nullable Instant agentCardFetchedAt,
                                  @Nullable String healthStatus,
                                  @Nullable Instant lastHealthCheckAt,
                                  Instant updatedAt) {
    public static final String HEALTHY = "healthy";
    public static final String UNREACHABLE = "unreachable";
}
