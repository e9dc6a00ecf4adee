package dev.runloom.flows.engine;

import dev.runloom.flows.recordsource.SourceRecord;
import dev.runloom.flows.steps.script.JsSandbox;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.json.JsonMapper;
import jakarta.inject.Singleton;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Runs a flow version's steps for one record ({@link RecordExecution} holds how): in one go for a
 * batch that runs in the request, or attempt by attempt for a batch worker that applies a
 * schedule's retries and timeout. Never throws for a step's failure.
 */
@Singleton
public class FlowEngine {
    static final int PREVIEW_LENGTH = 500;

    private final JsonMapper json;
    private final JsSandbox sandbox;

    public FlowEngine(JsonMapper json, JsSandbox sandbox) {
        this.json = json;
        this.sandbox = sandbox;
    }

    /** Where {@code when} expressions run. */
    JsSandbox sandbox() {
        return sandbox;
    }

    /** One attempt, on the calling thread. */
    public FlowExecutionOutcome run(CompiledFlow flow, ExecutionScope scope, SourceRecord record) {
        RecordExecution execution = start(flow, scope, record);
        execution.newAttempt().run();
        return execution.finish();
    }

    /** An execution whose attempts the caller runs (see {@link RecordExecution#newAttempt}). */
    public RecordExecution start(CompiledFlow flow, ExecutionScope scope, SourceRecord record) {
        return new RecordExecution(this, flow, scope, record, null);
    }

    /**
     * An execution that starts at a later step (a batch replay): the steps before {@code resume}'s
     * index are not run, and the context starts with the variables they left behind.
     */
    public RecordExecution start(CompiledFlow flow, ExecutionScope scope, SourceRecord record,
                                 RecordExecution.@Nullable Resume resume) {
        return new RecordExecution(this, flow, scope, record, resume);
    }

    /** A step output as stored in {@code output_preview}: text, or JSON, cut to {@value #PREVIEW_LENGTH} characters. */
    @Nullable String preview(@Nullable Object value) {
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
}
