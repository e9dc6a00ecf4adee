package dev.runloom.agents.executions;

import io.micronaut.core.annotation.Nullable;

import java.time.Instant;

/** A stored tool call; {@code inputJson}/{@code outputJson} are null in list reads. */
public record ToolCallView(String id, String toolId, String toolName, @Nullable String toolDescription,
                           String toolType, String model, String status, @Nullable String errorMessage,
                           long executionTimeMs, Instant createdAt, @Nullable String inputJson,
                           @Nullable String outputJson) {
}
