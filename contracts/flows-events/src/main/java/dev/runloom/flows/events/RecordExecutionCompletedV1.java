package dev.runloom.flows.events;

import io.micronaut.core.annotation.Creator;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

/**
 * Topic runloom.flows.executions.v1, key = record id. One flow execution of one record finished
 * (successfully or not). {@code results} holds one entry per prompt step (a "record result"); a flow
 * without prompt steps reports one entry for its last step. Ids in {@code results} are the record
 * result ids that records-service and schedules-service expose. {@code steps} (added later, so null
 * from older producers) holds every step result of the execution, which records-service projects as
 * the record's step results.
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
                                         List<PromptResultV1> results,
                                         @Nullable List<StepResultV1> steps) {

    /** The canonical constructor is the one JSON is read with. */
    @Creator
    public RecordExecutionCompletedV1 {
    }

    /** The event as producers wrote it before {@code steps} existed. */
    public RecordExecutionCompletedV1(String executionId, String organizationId, @Nullable String userId, String flowId,
                                      String flowName, @Nullable String flowVersionId, @Nullable String batchId,
                                      @Nullable String scheduleRunId, RecordRefV1 record, String status, boolean success,
                                      @Nullable String error, Instant startedAt, Instant completedAt, long durationMs,
                                      int contextSteps, int promptsExecuted, long totalTokens, BigDecimal totalCost,
                                      List<PromptResultV1> results) {
        this(executionId, organizationId, userId, flowId, flowName, flowVersionId, batchId, scheduleRunId, record, status,
                success, error, startedAt, completedAt, durationMs, contextSteps, promptsExecuted, totalTokens, totalCost,
                results, null);
    }

    /** One record result: what a prompt step (or the flow's last step) produced for the record. */
    @Serdeable
    public record PromptResultV1(String resultId, @Nullable String promptId, @Nullable String promptName,
                                 String status, @Nullable Object result, @Nullable String model,
                                 long promptTokens, long completionTokens, BigDecimal cost) {
    }
}
