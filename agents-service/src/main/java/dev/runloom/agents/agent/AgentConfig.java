package dev.runloom.agents.agent;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;

/**
 * The native ({@code runtype}) agent's config (reference §2.10), with every default resolved, as
 * stored, shown and snapshotted into each execution's {@code agentSpec}. Sampling settings without a
 * default stay null (the provider's default applies); {@code tools}, {@code agentLoop},
 * {@code responseFormat} and {@code humanInLoopApprovals} are stored and returned as given (JSON).
 *
 * @param maxTurns     loop iterations (model calls) allowed per execution
 * @param maxToolCalls tool calls allowed per execution, across all iterations
 */
@Serdeable
public record AgentConfig(String model, @Nullable String systemPrompt, double temperature,
                          @Nullable Double topP, @Nullable Integer topK, @Nullable Double frequencyPenalty,
                          @Nullable Double presencePenalty, @Nullable Long seed, int maxTurns, int maxToolCalls,
                          @Nullable Object tools, @Nullable Object agentLoop, @Nullable Object responseFormat,
                          @Nullable Object humanInLoopApprovals) {
    public static final String DEFAULT_MODEL = "local";
    /** The vendor's user guide documents 0.7 as the default temperature. */
    public static final double DEFAULT_TEMPERATURE = 0.7;
    public static final int DEFAULT_MAX_TURNS = 5;
    public static final int DEFAULT_MAX_TOOL_CALLS = 10;

    /** The config of the loop settings the first version knew (tests and older callers). */
    public static AgentConfig basic(String model, @Nullable String systemPrompt, double temperature, int maxTurns,
                                    int maxToolCalls) {
        return new AgentConfig(model, systemPrompt, temperature, null, null, null, null, null, maxTurns, maxToolCalls, null, null, null,
                null);
    }
}
