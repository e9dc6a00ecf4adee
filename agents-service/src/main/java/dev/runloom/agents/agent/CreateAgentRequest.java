package dev.runloom.agents.agent;

import dev.runloom.agents.a2a.ExternalConfig;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

import java.util.Objects;

/**
 * Body of {@code POST /v1/agents}. {@code externalConfig} is required for (and only for) agents of type
 * {@code external} (see {@code a2a.ExternalAgents}). Unknown fields (capabilities …) are ignored for now.
 */
@Serdeable
public record CreateAgentRequest(@NotBlank @Size(max = 255) String name,
                                 @Nullable @Size(max = 10_000) String description,
                                 @Nullable @Size(max = 50) String icon,
                                 @Nullable String agentType,
                                 @Nullable @Size(max = 200) String primaryFlowId,
                                 @Nullable @Valid Config config,
                                 @Nullable @Valid ExternalConfig externalConfig) {

    /**
     * The native config as a caller gives it: every field optional. Also the shape an update's
     * deep-merged config must still have (see {@link AgentService#update}).
     */
    @Serdeable
    public record Config(@Nullable @Size(min = 1, max = 200) String model,
                         @Nullable @Size(max = 100_000) String systemPrompt,
                         @Nullable @DecimalMin("0") @DecimalMax("2") Double temperature,
                         @Nullable @DecimalMin("0") @DecimalMax("1") Double topP,
                         @Nullable @Min(1) @Max(1000) Integer topK,
                         @Nullable @DecimalMin("-2") @DecimalMax("2") Double frequencyPenalty,
                         @Nullable @DecimalMin("-2") @DecimalMax("2") Double presencePenalty,
                         @Nullable Long seed,
                         @Nullable @Min(1) @Max(50) Integer maxTurns,
                         @Nullable @Min(0) @Max(100) Integer maxToolCalls,
                         @Nullable Object tools,
                         @Nullable Object agentLoop,
                         @Nullable Object responseFormat,
                         @Nullable Object humanInLoopApprovals) {

        static final Config EMPTY = new Config(null, null, null, null, null, null, null, null, null, null, null, null,
                null, null);

        /** The stored config: absent values take the defaults. */
        AgentConfig resolve() {
            return new AgentConfig(Objects.requireNonNullElse(model, AgentConfig.DEFAULT_MODEL), systemPrompt,
                    Objects.requireNonNullElse(temperature, AgentConfig.DEFAULT_TEMPERATURE), topP, topK,
                    frequencyPenalty, presencePenalty, seed,
                    Objects.requireNonNullElse(maxTurns, AgentConfig.DEFAULT_MAX_TURNS),
                    Objects.requireNonNullElse(maxToolCalls, AgentConfig.DEFAULT_MAX_TOOL_CALLS), tools, agentLoop,
                    responseFormat, humanInLoopApprovals);
        }
    }

    public NewAgent toNewAgent() {
        return new NewAgent(name, description, icon, agentType, primaryFlowId, config != null ? config : Config.EMPTY);
    }
}
