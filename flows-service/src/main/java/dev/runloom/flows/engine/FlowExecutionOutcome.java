package dev.runloom.flows.engine;

import dev.runloom.common.id.Ids;
import dev.runloom.flows.events.RecordExecutionCompletedV1.PromptResultV1;
import dev.runloom.flows.recordsource.SourceRecord;
import dev.runloom.flows.stepresults.StepResult;
import io.micronaut.core.annotation.Nullable;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

/**
 * One finished flow execution for one record: its summary, its step results and its record results.
 * After retries, success, error and record results are the last attempt's; step results, step
 * counts, tokens and cost cover every attempt. Named apart from agents-service's executions, which
 * are a different thing.
 */
public record FlowExecutionOutcome(String executionId, String flowId, String flowName, String flowVersionId,
                                   ExecutionScope scope, SourceRecord record, boolean success, @Nullable String error,
                                   Instant startedAt, Instant completedAt, long durationMs, int contextSteps,
                                   int promptsExecuted, long promptTokens, long completionTokens, BigDecimal totalCost,
                                   List<StepResult> stepResults, List<PromptResultV1> results) {

    public static final String COMPLETED = "completed";
    public static final String FAILED = "failed";

    /**
     * A record that failed without any step running (its flow version is gone, or its work item
     * could not be processed at all): no step results, no record results, nothing spent.
     */
    public static FlowExecutionOutcome failedWithoutRunning(String flowId, String flowName, String flowVersionId,
                                                            ExecutionScope scope, SourceRecord record, String error,
                                                            Instant at) {
        return new FlowExecutionOutcome(Ids.newId("exec"), flowId, flowName, flowVersionId, scope, record, false, error,
                at, at, 0, 0, 0, 0, 0, BigDecimal.ZERO, List.of(), List.of());
    }

    public String status() {
        return success ? COMPLETED : FAILED;
    }

    public long totalTokens() {
        return promptTokens + completionTokens;
    }
}
