package dev.runloom.flows.engine;

import dev.runloom.flows.events.RecordExecutionCompletedV1.PromptResultV1;
import dev.runloom.common.id.Ids;
import dev.runloom.models.ModelPrice;
import dev.runloom.models.TokenUsage;
import dev.runloom.flows.recordsource.SourceRecord;
import dev.runloom.flows.stepresults.StepResult;
import dev.runloom.flows.steps.StepConfig;
import dev.runloom.flows.steps.StepDefinition;
import dev.runloom.flows.steps.StepFailure;
import dev.runloom.flows.steps.StepOutput;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.json.JsonMapper;
import jakarta.inject.Singleton;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs a flow version's steps in order for one record. The context starts with {@code _record}
 * ({@code id, name, type, metadata}); each step's output is added under its output variable and as
 * {@code previous_output}. Disabled steps are recorded as skipped. The first failing step fails the
 * execution: later steps are recorded as skipped, not run. Never throws for a step's failure.
 */
@Singleton
public class FlowEngine {
    static final int PREVIEW_LENGTH = 500;

    private final JsonMapper json;

    public FlowEngine(JsonMapper json) {
        this.json = json;
    }

    public FlowExecutionOutcome run(CompiledFlow flow, ExecutionScope scope, SourceRecord record) {
        String executionId = Ids.newId("exec");
        Instant started = now();
        long startNanos = System.nanoTime();
        Map<String, Object> context = new HashMap<>();
        context.put(StepConfig.RECORD_VARIABLE, recordVariable(record));

        List<StepResult> stepResults = new ArrayList<>();
        List<PromptResultV1> promptResults = new ArrayList<>();
        PromptResultV1 lastStepResult = null;
        String error = null;
        int contextSteps = 0;
        int promptsExecuted = 0;
        long promptTokens = 0;
        long completionTokens = 0;
        BigDecimal cost = BigDecimal.ZERO;

        for (CompiledFlow.CompiledStep step : flow.steps()) {
            StepDefinition definition = step.definition();
            Row row = new Row(flow, scope, executionId, record, definition);
            if (error != null || !definition.enabled()) {
                Instant at = now();
                stepResults.add(row.skipped(at));
                continue;
            }
            Instant stepStarted = now();
            long stepNanos = System.nanoTime();
            StepOutput output = null;
            String stepError = null;
            try {
                output = step.prepared().run(context);
            } catch (StepFailure e) {
                stepError = e.getMessage();
                output = new StepOutput(null, e.resolvedPrompt(), e.model(), null, null, null);
            } catch (RuntimeException e) {
                stepError = e.getMessage() == null || e.getMessage().isBlank() ? e.getClass().getSimpleName() : e.getMessage();
            }
            long durationMs = (System.nanoTime() - stepNanos) / 1_000_000;
            if (step.callsModel()) {
                promptsExecuted++;
            } else {
                contextSteps++;
            }
            StepResult result = row.ran(stepStarted, now(), durationMs, output, stepError);
            stepResults.add(result);
            if (output != null && output.usage() != null) {
                promptTokens += output.usage().promptTokens();
                completionTokens += output.usage().completionTokens();
            }
            if (output != null && output.cost() != null) {
                cost = cost.add(output.cost());
            }
            PromptResultV1 recordResult = new PromptResultV1(Ids.newId("res"), definition.id(), definition.name(),
                    result.status(), output == null ? null : output.value(), result.modelUsed(),
                    nullToZero(result.promptTokens()), nullToZero(result.completionTokens()),
                    result.estimatedCost() == null ? BigDecimal.ZERO : result.estimatedCost());
            if (step.callsModel()) {
                promptResults.add(recordResult);
            }
            lastStepResult = recordResult;
            if (stepError != null) {
                error = "Step '" + definition.name() + "' failed: " + stepError;
            } else {
                Object value = output.value();
                context.put(definition.outputVariable(), value);
                context.put(StepConfig.PREVIOUS_OUTPUT_VARIABLE, value);
            }
        }
        // a flow without prompt steps reports its last step as the record result
        List<PromptResultV1> results = promptResults.isEmpty() && lastStepResult != null ? List.of(lastStepResult) : promptResults;
        long durationMs = (System.nanoTime() - startNanos) / 1_000_000;
        return new FlowExecutionOutcome(executionId, flow.flowId(), flow.flowName(), flow.versionId(), scope, record,
                error == null, error, started, now(), durationMs, contextSteps, promptsExecuted, promptTokens,
                completionTokens, cost, stepResults, results);
    }

    private static Map<String, Object> recordVariable(SourceRecord record) {
        Map<String, Object> variable = new LinkedHashMap<>();
        variable.put("id", record.id());
        variable.put("name", record.name());
        variable.put("type", record.type());
        variable.put("metadata", record.metadata() == null ? Map.of() : record.metadata());
        return variable;
    }

    private static long nullToZero(@Nullable Long value) {
        return value == null ? 0 : value;
    }

    private static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MILLIS);
    }

    private String preview(@Nullable Object value) {
        if (value == null) {
            return null;
        }
        String text;
        if (value instanceof String s) {
            text = s;
        } else {
            try {
                text = new String(json.writeValueAsBytes(value), StandardCharsets.UTF_8);
            } catch (IOException | RuntimeException e) {
                text = String.valueOf(value);
            }
        }
        return text.length() <= PREVIEW_LENGTH ? text : text.substring(0, PREVIEW_LENGTH);
    }

    /** Builds the step result rows of one step of one execution. */
    private final class Row {
        private final CompiledFlow flow;
        private final ExecutionScope scope;
        private final String executionId;
        private final SourceRecord record;
        private final StepDefinition step;

        Row(CompiledFlow flow, ExecutionScope scope, String executionId, SourceRecord record, StepDefinition step) {
            this.flow = flow;
            this.scope = scope;
            this.executionId = executionId;
            this.record = record;
            this.step = step;
        }

        StepResult skipped(Instant at) {
            return build(StepResult.SKIPPED, at, at, 0, null, null, null, null, null, null, null);
        }

        StepResult ran(Instant started, Instant completed, long durationMs, @Nullable StepOutput output,
                       @Nullable String error) {
            String status = error == null ? StepResult.COMPLETED : StepResult.FAILED;
            if (output == null) {
                return build(status, started, completed, durationMs, null, null, null, null, null, null, error);
            }
            return build(status, started, completed, durationMs, error == null ? preview(output.value()) : null,
                    output.resolvedPrompt(), output.model(), output.usage(), output.cost(), output.price(), error);
        }

        private StepResult build(String status, Instant started, Instant completed, long durationMs,
                                 @Nullable String preview, @Nullable String resolvedPrompt, @Nullable String model,
                                 @Nullable TokenUsage usage, @Nullable BigDecimal cost, @Nullable ModelPrice price,
                                 @Nullable String error) {
            return new StepResult(Ids.newId("sr"), scope.organizationId(), scope.userId(), flow.flowId(),
                    flow.versionId(), scope.batchId(), executionId, record.id(), record.name(), step.id(), step.type(),
                    step.name(), step.order(), status, started, completed, durationMs, preview, resolvedPrompt, model,
                    usage == null ? null : usage.promptTokens(), usage == null ? null : usage.completionTokens(),
                    usage == null ? null : usage.totalTokens(), cost, price == null ? null : price.inputPerMillion(),
                    price == null ? null : price.outputPerMillion(), error, 0, started);
        }
    }
}
