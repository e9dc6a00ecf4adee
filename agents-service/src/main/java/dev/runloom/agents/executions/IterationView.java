package dev.runloom.agents.executions;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;

import java.time.Instant;

/** One loop iteration (one model call) as the execution detail shows it; {@code cost} a decimal string. */
@Serdeable
public record IterationView(int iteration, String model, long promptTokens, long completionTokens,
                            long cachedPromptTokens, long totalTokens, String cost, @Nullable String finishReason,
                            @Nullable String output, int toolCalls, long durationMs, Instant startedAt,
                            Instant completedAt) {
}
