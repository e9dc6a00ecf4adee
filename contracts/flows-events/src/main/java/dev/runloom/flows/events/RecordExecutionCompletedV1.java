package dev.runloom.flows.events;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

/**
 * Topic runloom.flows.executions.v1, key = record id. One flow execution of one record finished
 * (successfully or not). {@code results} holds one entry per prompt step (a "record result"); a flow
 * without prompt steps reports one entry for its last step. Ids in {@code results} are the record
 * result ids that records-service and schedules-service expose.
 */
@Serdeable
public record RecordExecutionCompletedV1(String executionId,
                                         String organizationId,
                                         @Nullable String userId,
                                         String flowId,
                                         String flowName,
                                         @Nullable String flowVersionId,
                                         @Nullable String batchId,
                                         @Nullable String scheduleRunId,
                                         RecordRefV1 record,
                                         String status,
                                         boolean success,
                                         @Nullable String error,
                                         Instant startedAt,
                                         Instant completedAt,
                                         long durationMs,
                                         int contextSteps,
                                         int promptsExecuted,
                                         long totalTokens,
                                         BigDecimal totalCost,
                                         List<PromptResultV1> results) {

    /** One record result: what a prompt step (or the flow's last step) produced for the record. */
    @Serdeable
    public record PromptResultV1(String resultId, @Nullable String promptId, @Nullable String promptName,
                                 String status, @Nullable Object result, @Nullable String model,
                                 long promptTokens, long completionTokens, BigDecimal cost) {
    }
}
