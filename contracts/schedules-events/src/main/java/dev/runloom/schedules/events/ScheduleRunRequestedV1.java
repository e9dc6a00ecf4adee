package dev.runloom.schedules.events;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Topic runloom.schedules.runs.v1, key = schedule id. A schedule fired (trigger {@code cron},
 * {@code once} or {@code manual}). For a flow target ({@code flowId}) flows-service runs the flow
 * as a batch with id {@code batchId}, whose events carry {@code scheduleRunId} = {@code runId};
 * for an agent target ({@code agentId}) agents-service runs the agent as execution
 * {@code agentExecutionId} with {@code inputs.messages}. The ids are minted by schedules-service,
 * so the run knows them at once and a redelivered request never starts a second batch or execution.
 * {@code inputs} reach the flow as variables beside {@code _record}; {@code executionOptions}
 * tune the batch (null: the target service's defaults).
 */
@Serdeable
public record ScheduleRunRequestedV1(String runId, String scheduleId, String organizationId, @Nullable String userId,
                                     @Nullable String flowId, @Nullable String agentId,
                                     @Nullable String recordType, @Nullable List<String> recordIds,
                                     @Nullable Map<String, Object> inputs, String trigger, Instant requestedAt,
                                     @Nullable String batchId, @Nullable String agentExecutionId,
                                     @Nullable ExecutionOptionsV1 executionOptions) {

    /** How a scheduled batch runs; every field optional (null: the service's default). */
    @Serdeable
    public record ExecutionOptionsV1(@Nullable Integer chunkSize, @Nullable Integer recordConcurrency,
                                     @Nullable Integer progressFlushSize, @Nullable Long timeoutMs,
                                     @Nullable Integer maxRetries) {
    }
}
