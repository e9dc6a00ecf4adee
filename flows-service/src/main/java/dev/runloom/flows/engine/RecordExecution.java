package dev.runloom.flows.engine;

import dev.runloom.common.id.Ids;
import dev.runloom.flows.events.RecordExecutionCompletedV1.PromptResultV1;
import dev.runloom.flows.recordsource.SourceRecord;
import dev.runloom.flows.stepresults.StepResult;
import dev.runloom.flows.steps.BranchingStep;
import dev.runloom.flows.steps.ErrorPolicy;
import dev.runloom.flows.steps.StepConfig;
import dev.runloom.flows.steps.StepContext;
import dev.runloom.flows.steps.StepDefinition;
import dev.runloom.flows.steps.StepFailure;
import dev.runloom.flows.steps.StepOutput;
import dev.runloom.models.ModelPrice;
import dev.runloom.models.TokenUsage;
import io.micronaut.core.annotation.Nullable;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One record's execution of a flow version, across its attempts: one execution id, and the step
 * results of every attempt (each row's {@code retryCount} says which attempt wrote it), so every
 * attempt is counted — its tokens and cost too — while the outcome (success, error, record results)
 * is the last attempt's.
 *
 * <p>An attempt runs the enabled steps in order on the calling thread ({@link Attempt#run}). The
 * context starts with the scope's inputs and {@code _record} ({@code id, name, type, metadata}); each
 * step's output is added under its output variable and as {@code previous_output}. A step whose
 * {@code when} expression is falsy is skipped. A failing step is retried as its {@link ErrorPolicy}
 * says (not model steps: they retry inside themselves); then, by default, the failure is recorded,
 * its output variable is null and the next step runs (the execution still ends failed, its error
 * naming the first failed step); with {@code onError: fail} the remaining steps are skipped. A
 * {@code conditional}'s branch runs right after it. A step's failure never throws.
 *
 * <p>Why a stateful object rather than one method: a caller that stops waiting (a batch's
 * {@code timeoutMs}) must be able to end an attempt from another thread while a step is still
 * running ({@link Attempt#abandon}). The step underway is then recorded as failed with that error,
 * the rest as skipped; the abandoned thread finishes its step, finds the attempt abandoned and
 * stops without writing anything more (no further step starts, nothing more is spent).
 * Everything shared between those threads is guarded by this object's monitor.
 */
public final class RecordExecution {
    private final FlowEngine engine;
    private final CompiledFlow flow;
    private final ExecutionScope scope;
    private final SourceRecord record;
    private final String executionId = Ids.newId("exec");
    private final Instant startedAt = now();
    private final long startNanos = System.nanoTime();

    // guarded by this
    private final List<StepResult> stepResults = new ArrayList<>();
    private @Nullable Attempt current;
    private int attempts;
    private int contextSteps;
    private int promptsExecuted;
    private long promptTokens;
    private long completionTokens;
    private BigDecimal cost = BigDecimal.ZERO;
    private boolean finished;

    RecordExecution(FlowEngine engine, CompiledFlow flow, ExecutionScope scope, SourceRecord record) {
        this.engine = engine;
        this.flow = flow;
        this.scope = scope;
        this.record = record;
    }

    /** The next attempt (the first has retryCount 0); the previous one must have ended. */
    public synchronized Attempt newAttempt() {
        if (finished || (current != null && !current.ended())) {
            throw new IllegalStateException("execution " + executionId + " has an attempt underway or is finished");
        }
        current = new Attempt(attempts++);
        return current;
    }

    /** Whether the last attempt ended in failure. */
    public synchronized boolean failed() {
        return current != null && current.error != null;
    }

    /** Attempts after the first. */
    public synchronized int retries() {
        return Math.max(0, attempts - 1);
    }

    /** The execution as it stands after its last attempt; nothing is written to it afterwards. */
    public synchronized FlowExecutionOutcome finish() {
        finished = true;
        Attempt last = current;
        String error = last == null ? "no attempt was run" : last.error;
        List<PromptResultV1> results = List.of();
        if (last != null) {
            // a flow without prompt steps reports its last step as the record result
            results = last.promptResults.isEmpty() && last.lastResult != null ? List.of(last.lastResult)
                    : List.copyOf(last.promptResults);
        }
        long durationMs = (System.nanoTime() - startNanos) / 1_000_000;
        return new FlowExecutionOutcome(executionId, flow.flowId(), flow.flowName(), flow.versionId(), scope, record,
                error == null, error, startedAt, now(), durationMs, contextSteps, promptsExecuted, promptTokens,
                completionTokens, cost, List.copyOf(stepResults), results);
    }

    private Map<String, Object> initialContext() {
        Map<String, Object> context = new HashMap<>();
        scope.inputs().forEach((name, value) -> {
            if (!StepConfig.RECORD_VARIABLE.equals(name) && !StepConfig.PREVIOUS_OUTPUT_VARIABLE.equals(name)) {
                context.put(name, value);
            }
        });
        context.put(StepConfig.RECORD_VARIABLE, recordVariable(record));
        return context;
    }

    private static Map<String, Object> recordVariable(SourceRecord record) {
        Map<String, Object> variable = new LinkedHashMap<>();
        variable.put("id", record.id());
        variable.put("name", record.name());
        variable.put("type", record.type());
        variable.put("metadata", record.metadata() == null ? Map.of() : record.metadata());
        return variable;
    }

    /**
     * What a step starts with, for its step result: the execution's variables but {@code _record}, whose
     * metadata the result keeps apart ({@code recordMetadata}). A copy: later steps add to the context.
     */
    private static Map<String, Object> inputVariables(Map<String, Object> context) {
        Map<String, Object> inputs = new LinkedHashMap<>(context);
        inputs.remove(StepConfig.RECORD_VARIABLE);
        return inputs;
    }

    private static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MILLIS);
    }

    private static String message(RuntimeException e) {
        return e.getMessage() == null || e.getMessage().isBlank() ? e.getClass().getSimpleName() : e.getMessage();
    }

    private static long nullToZero(@Nullable Long value) {
        return value == null ? 0 : value;
    }

    /** One run of the flow's steps for the record. */
    public final class Attempt {
        private final int retryCount;
        // guarded by RecordExecution.this
        private final List<PromptResultV1> promptResults = new ArrayList<>();
        private @Nullable PromptResultV1 lastResult;
        private @Nullable String error;
        /** Index of the first top-level step not finished yet in this attempt. */
        private int nextStep;
        /** Whether that step has started (has a row, or is running, or its branch is). */
        private boolean currentStarted;
        /** A step whose onError is fail failed: the rest are skipped. */
        private boolean hardFailed;
        private CompiledFlow.@Nullable CompiledStep running;
        private Instant runningSince;
        private long runningNanos;
        private boolean abandoned;
        /** The variables the step underway started with (its step result's {@code inputVariables}). */
        private @Nullable Map<String, Object> runningInputs;

        private Attempt(int retryCount) {
            this.retryCount = retryCount;
        }

        public int retryCount() {
            return retryCount;
        }

        /** Runs the steps on the calling thread; returns when they are done or the attempt was abandoned. */
        public void run() {
            Map<String, Object> context = initialContext();
            List<CompiledFlow.CompiledStep> steps = flow.steps();
            for (int i = 0; i < steps.size(); i++) {
                synchronized (RecordExecution.this) {
                    if (abandoned) {
                        return;
                    }
                    nextStep = i;
                    currentStarted = false;
                }
                if (!runStep(steps.get(i), context)) {
                    return;
                }
                synchronized (RecordExecution.this) {
                    if (abandoned) {
                        return;
                    }
                    nextStep = i + 1;
                }
            }
        }

        /** Runs one step (and a conditional's branch); false when the attempt was abandoned meanwhile. */
        private boolean runStep(CompiledFlow.CompiledStep step, Map<String, Object> context) {
            StepDefinition definition = step.definition();
            synchronized (RecordExecution.this) {
                if (abandoned) {
                    return false;
                }
                currentStarted = true;
                if (hardFailed || !definition.enabled()) {
                    stepResults.add(row(definition, 0, null).skipped(now()));
                    return true;
                }
                running = step;
                runningInputs = inputVariables(context);
                runningSince = now();
                runningNanos = System.nanoTime();
            }
            String stepError = null;
            if (step.when() != null) {
                try {
                    if (!engine.sandbox().truthy(step.when(), context)) {
                        synchronized (RecordExecution.this) {
                            if (abandoned) {
                                return false;
                            }
                            running = null;
                            stepResults.add(row(definition, 0, null).skipped(now()));
                        }
                        return true;
                    }
                } catch (RuntimeException e) {
                    stepError = "when: " + message(e);
                }
            }
            StepOutput output = null;
            int tries = 0;
            if (stepError == null) {
                ErrorPolicy policy = step.errorPolicy();
                int retries = step.callsModel() ? 0 : policy.retries();
                StepContext stepContext = new StepContext(context, scope.organizationId(), scope.userId(), flow.flowId(),
                        executionId, definition.id(), record.id(), scope.interactive());
                while (true) {
                    try {
                        output = step.prepared().run(stepContext);
                        stepError = null;
                        break;
                    } catch (StepFailure e) {
                        stepError = e.getMessage();
                        output = e.asOutput();
                    } catch (RuntimeException e) {
                        stepError = message(e);
                        output = null;
                    }
                    if (tries >= retries || !backOff(policy, tries)) {
                        break;
                    }
                    tries++;
                }
            }
            synchronized (RecordExecution.this) {
                if (abandoned) {
                    return false; // recorded as failed by abandon(); what this step produced is discarded
                }
                recordStep(step, output, stepError, tries);
            }
            String variable = definition.outputVariable();
            if (stepError != null) {
                context.put(variable, null); // a failed step that continues leaves null, not a stale value
                return true;
            }
            Object value = output.value();
            context.put(variable, value);
            if (step.prepared() instanceof BranchingStep) {
                for (CompiledFlow.CompiledStep child : step.branch(Boolean.TRUE.equals(value))) {
                    if (!runStep(child, context)) {
                        return false;
                    }
                }
            } else {
                context.put(StepConfig.PREVIOUS_OUTPUT_VARIABLE, value);
            }
            return true;
        }

        /** Waits before retry {@code tries + 1} (backoff doubling each time); false when the attempt was abandoned. */
        private boolean backOff(ErrorPolicy policy, int tries) {
            long waitMs = Math.min(policy.backoff().toMillis() << Math.min(tries, 10), ErrorPolicy.MAX_BACKOFF_MS);
            long until = System.nanoTime() + waitMs * 1_000_000;
            while (System.nanoTime() < until) {
                synchronized (RecordExecution.this) {
                    if (abandoned) {
                        return false;
                    }
                }
                try {
                    Thread.sleep(Math.max(1, Math.min(50, (until - System.nanoTime()) / 1_000_000)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
            return true;
        }

        /**
         * From another thread: ends the attempt now with {@code why} as its error. The step underway is
         * recorded as failed with it, later ones as skipped. False when the attempt had already run
         * every step (it then ends as it ran).
         */
        public boolean abandon(String why) {
            synchronized (RecordExecution.this) {
                List<CompiledFlow.CompiledStep> steps = flow.steps();
                if (abandoned || nextStep >= steps.size()) {
                    return false;
                }
                abandoned = true;
                Instant at = now();
                if (running != null) {
                    long durationMs = (System.nanoTime() - runningNanos) / 1_000_000;
                    stepResults.add(row(running.definition(), 0, runningInputs).ran(runningSince, at, durationMs, null, why));
                    count(running);
                }
                for (int i = currentStarted ? nextStep + 1 : nextStep; i < steps.size(); i++) {
                    stepResults.add(row(steps.get(i).definition(), 0, null).skipped(at));
                }
                running = null;
                nextStep = steps.size();
                error = why;
                return true;
            }
        }

        /** Ran every step, or was abandoned. */
        boolean ended() {
            synchronized (RecordExecution.this) {
                return abandoned || nextStep >= flow.steps().size();
            }
        }

        private void recordStep(CompiledFlow.CompiledStep step, @Nullable StepOutput output, @Nullable String stepError,
                                int stepRetries) {
            StepDefinition definition = step.definition();
            long durationMs = (System.nanoTime() - runningNanos) / 1_000_000;
            StepResult result = row(definition, stepRetries, runningInputs).ran(runningSince, now(), durationMs, output, stepError);
            stepResults.add(result);
            count(step);
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
            lastResult = recordResult;
            if (stepError != null) {
                if (error == null) {
                    error = "Step '" + definition.name() + "' failed: " + stepError;
                }
                hardFailed |= step.errorPolicy().hardFail();
            }
            running = null;
        }

        private void count(CompiledFlow.CompiledStep step) {
            if (step.callsModel()) {
                promptsExecuted++;
            } else {
                contextSteps++;
            }
        }

        /**
         * A row of this attempt; {@code stepRetries} are the step's own retries within it, {@code inputs} the
         * variables it started with (null for a step that did not run).
         */
        private Row row(StepDefinition step, int stepRetries, @Nullable Map<String, Object> inputs) {
            return new Row(step, retryCount + stepRetries, inputs);
        }
    }

    /** Builds the step result rows of one step of one attempt. */
    private final class Row {
        private final StepDefinition step;
        private final int retryCount;
        private final @Nullable Map<String, Object> inputs;

        Row(StepDefinition step, int retryCount, @Nullable Map<String, Object> inputs) {
            this.step = step;
            this.retryCount = retryCount;
            this.inputs = inputs;
        }

        StepResult skipped(Instant at) {
            return build(StepResult.SKIPPED, at, at, 0, null, null, null, null, null, null, null, 0);
        }

        StepResult ran(Instant started, Instant completed, long durationMs, @Nullable StepOutput output,
                       @Nullable String error) {
            String status = error == null ? StepResult.COMPLETED : StepResult.FAILED;
            if (output == null) {
                return build(status, started, completed, durationMs, null, null, null, null, null, null, error, 0);
            }
            return build(status, started, completed, durationMs, error == null ? engine.preview(output.value()) : null,
                    output.resolvedPrompt(), output.model(), output.usage(), output.cost(), output.price(), error,
                    output.retries());
        }

        private StepResult build(String status, Instant started, Instant completed, long durationMs,
                                 @Nullable String preview, @Nullable String resolvedPrompt, @Nullable String model,
                                 @Nullable TokenUsage usage, @Nullable BigDecimal cost, @Nullable ModelPrice price,
                                 @Nullable String error, int modelRetries) {
            return new StepResult(Ids.newId("sr"), scope.organizationId(), scope.userId(), flow.flowId(),
                    flow.versionId(), scope.batchId(), executionId, record.id(), record.name(), step.id(), step.type(),
                    step.name(), step.order(), status, started, completed, durationMs, preview, resolvedPrompt, model,
                    usage == null ? null : usage.promptTokens(), usage == null ? null : usage.completionTokens(),
                    usage == null ? null : usage.totalTokens(), cost, price == null ? null : price.inputPerMillion(),
                    price == null ? null : price.outputPerMillion(), usage == null ? null : usage.cachedPromptTokens(),
                    price == null ? null : price.cachedInputPerMillion(), error, retryCount + modelRetries, started,
                    step.config(), inputs, record.metadata());
        }
    }
}
