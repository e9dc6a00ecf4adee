package dev.runloom.agents.agent;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

/** Body of {@code POST /v1/agents}. Unknown fields (externalConfig, capabilities …) are ignored for now. */
@Serdeable
public record CreateAgentRequest(@NotBlank @Size(max = 255) String name,
                                 @Nullable String description,
                                 @Nullable @Size(max = 50) String icon,
                                 @Nullable String agentType,
                                 @Nullable String primaryFlowId,
                                 @Nullable @Valid Config config) {

    @Serdeable
    public record Config(@Nullable @Size(min = 1, max = 200) String model,
                         @Nullable String systemPrompt,
                         @Nullable @DecimalMin("0") @DecimalMax("2") Double temperature,
                         @Nullable @Min(1) @Max(50) Integer maxTurns,
                         @Nullable @Min(0) @Max(100) Integer maxToolCalls) {
    }

    NewAgent toNewAgent() {
        Config c = config != null ? config : new Config(null, null, null, null, null);
        return new NewAgent(name, description, icon, agentType, primaryFlowId, c.model(), c.systemPrompt(),
                c.temperature(), c.maxTurns(), c.maxToolCalls());
    }
}
