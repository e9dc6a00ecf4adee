package dev.runloom.agents.agent;

import dev.runloom.agents.a2a.ExternalConfig;
import io.micronaut.core.annotation.Nullable;
import jakarta.validation.Valid;
import io.micronaut.serde.annotation.Serdeable;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import java.util.Map;

/**
 * Body of {@code PUT /v1/agents/:id} (A6): partial — a field left out (or null) keeps its value;
 * {@code config} is deep-merged into the stored config (objects merge key by key, anything else
 * replaces), and the merged result must still be a valid config. {@code externalConfig} (external
 * agents only) replaces the fields it gives and has the agent card fetched again.
 */
@Serdeable
public record UpdateAgentRequest(@Nullable @Size(min = 1, max = 255) @Pattern(regexp = "(?s).*\\S.*") String name,
                                 @Nullable @Size(max = 10_000) String description,
                                 @Nullable @Size(max = 50) String icon,
                                 @Nullable String agentType,
                                 @Nullable @Size(max = 200) String primaryFlowId,
                                 @Nullable Map<String, Object> config,
                                 @Nullable @Valid ExternalConfig externalConfig) {
}
