package dev.runloom.agents.executions;

import dev.runloom.models.ChatMessage;
import io.micronaut.core.annotation.Nullable;

import java.time.Instant;
import java.util.List;

/**
 * An execution about to run. {@code agentSpec} is the snapshot of the agent (any JSON-serialisable
 * value); the row starts as {@code running} with {@code created_at = started_at}.
 */
public record NewExecution(String id, String agentId, String organizationId, String userId, String agentSource,
                           @Nullable String parentExecutionId, String surfaceType, Instant startedAt,
                           Object agentSpec, List<ChatMessage> inputMessages) {
    /** Native executions, run by this service's loop (telemetry-ingested ones would be {@code external}). */
    public static final String SOURCE_RUNTYPE_CORE = "runtype-core";
}
