package dev.runloom.agents.capabilities;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;

import java.util.Map;

/**
 * Body of A14 {@code POST /v1/agents/:id/capabilities}. Checked by {@link CapabilityService#add}
 * (not by bean validation) so each rule answers a problem naming its field.
 */
@Serdeable
public record CreateCapabilityRequest(@Nullable String toolName,
                                      @Nullable String toolDescription,
                                      @Nullable String flowId,
                                      @Nullable String subAgentId,
                                      @Nullable String toolId,
                                      @Nullable Map<String, Object> parametersSchema,
                                      @Nullable Boolean enabled,
                                      @Nullable Integer displayOrder) {
}
