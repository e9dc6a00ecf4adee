package dev.runloom.flows.engine;

import dev.runloom.flows.events.RecordExecutionCompletedV1.PromptResultV1;
import dev.runloom.flows.records.SourceRecord;
import dev.runloom.flows.stepresults.StepResult;
import io.micronaut.core.annotation.Nullable;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

/** One finished flow execution for one record: its summary, its step results and its record results. */
public record ExecutionOutcome(String executionId, String flowId, String flowName, String flowVersionId,
                               ExecutionScope scope, SourceRecord record, boolean success, @Nullable String error,
                               Instant startedAt, Instant completedAt, long durationMs, int contextSteps,
                               int promptsExecuted, long promptTokens, long completionTokens, BigDecimal totalCost,
                               List<StepResult> stepResults, List<PromptResultV1> results) {

    public static final String COMPLETED = "completed";
    public static final String FAILED = "failed";

    public String status() {
        return success ? COMPLETED : FAILED;
    }

    public long totalTokens() {
        return promptTokens + completionTokens;
    }
}
