package dev.runloom.agents.agent;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;

/**
 * The native ({@code runtype}) agent's loop settings, with every default resolved, as stored, shown
 * and snapshotted into each execution's {@code agentSpec}.
 *
 * @param maxTurns     loop iterations (model calls) allowed per execution
 * @param maxToolCalls tool calls allowed per execution, across all iterations
 */
@Serdeable
public record AgentConfig(String model, @Nullable String systemPrompt, double temperature, int maxTurns,
                          int maxToolCalls) {
    public static final String DEFAULT_MODEL = "local";
    /** The vendor's user guide documents 0.7 as the default temperature. */
    public static final double DEFAULT_TEMPERATURE = 0.7;
    public static final int DEFAULT_MAX_TURNS = 5;
    public static final int DEFAULT_MAX_TOOL_CALLS = 10;
}
