package dev.runloom.agents.stream;

import dev.runloom.agents.executions.ExecutionResult;
import dev.runloom.agents.executions.ExecutionStatus;
import dev.runloom.agents.executions.NewExecution;
import dev.runloom.agents.loop.Iteration;
import dev.runloom.agents.loop.LoopEvents;
import dev.runloom.agents.loop.LoopOutcome;
import dev.runloom.agents.loop.LoopPause;
import dev.runloom.agents.loop.PauseAnswer;
import dev.runloom.agents.loop.PendingToolCall;
import dev.runloom.agents.loop.ToolCall;
import dev.runloom.agents.loop.ToolCallRecord;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.json.JsonMapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Turns one execution's loop events into {@code ExecutionStreamEvent} frames (reference §4 item 6):
 * {@code execution_start}, {@code turn_start}, {@code text_start}/{@code text_delta}/{@code text_complete},
 * {@code tool_start}/{@code tool_complete}, {@code turn_complete}, then exactly one
 * {@code execution_complete} or {@code execution_error}. A run that pauses (A17/A18) ends its stream
 * with {@code approval_start} or {@code await} instead; the continuation (approve/resume) goes on
 * with the next seq: {@code approval_complete} (approvals), the pending {@code tool_*} frames, and so
 * on to the terminal frame. Each frame gets the next 0-based {@code seq},
 * is stored (for A20 replay) and handed to the live consumer, which may be gone: a client that
 * disconnected does not stop the execution. Used from the loop's one thread.
 */
public class ExecutionFrames implements LoopEvents {
    private static final Logger LOG = LoggerFactory.getLogger(ExecutionFrames.class);
    public static final String EXECUTION_COMPLETE = "execution_complete";
    public static final String EXECUTION_ERROR = "execution_error";

    /** A frame as sent: its seq (the SSE id), type and JSON text. */
    public record Frame(int seq, String type, String json) {
    }

    private final NewExecution execution;
    private final ExecutionEventStore store;
    private final JsonMapper json;
    private final Consumer<Frame> live;
    private final boolean streaming;
    private int seq;
    private final StringBuilder turnText = new StringBuilder();
    private boolean textStarted;
    private boolean pausable;

    public ExecutionFrames(NewExecution execution, ExecutionEventStore store, JsonMapper json, Consumer<Frame> live,
                           boolean streaming) {
        this.execution = execution;
        this.store = store;
        this.json = json;
        this.live = live;
        this.streaming = streaming;
    }

    @Override
    public boolean streaming() {
        return streaming;
    }

    @Override
    public boolean canPause() {
        return pausable;
    }

    /** Lets the run pause for approvals and client tools (a client started it and can answer). */
    public ExecutionFrames pausable() {
        this.pausable = true;
        return this;
    }

    /** Goes on with a paused execution's frames: the next seq, and whether its turn's text was announced. */
    public ExecutionFrames continuingAt(int nextSeq, boolean textStarted) {
        this.seq = nextSeq;
        this.textStarted = textStarted;
        return this;
    }

    /** The frame a pause ends the stream with: {@code approval_start} or {@code await}. */
    public void paused(LoopPause pause) {
        if (LoopPause.APPROVAL.equals(pause.kind())) {
            PendingToolCall call = pause.first();
            emit("approval_start", Map.of("iteration", pause.iteration().number(), "approvalId", pause.id(),
                    "toolCallId", call.id(), "toolName", call.name(), "parameters", parameters(call.argumentsJson())));
        } else {
            emit("await", Map.of("iteration", pause.iteration().number(), "awaitId", pause.id(),
                    "reason", "local_tools", "toolCalls", pause.awaited().stream().map(c -> Map.of("toolCallId", c.id(),
                            "providerCallId", c.providerCallId(), "toolName", c.name(),
                            "parameters", parameters(c.argumentsJson()))).toList()));
        }
    }

    /** The first frame of an approval's continuation. */
    public void approvalComplete(LoopPause pause, PauseAnswer.Decision decision) {
        emit("approval_complete", Map.of("iteration", pause.iteration().number(), "approvalId", pause.id(),
                "toolCallId", pause.first().id(), "toolName", pause.first().name(),
                "decision", decision.approved() ? "approved" : "denied", "decidedBy", decision.decidedBy()));
    }

    public void executionStart() {
        emit("execution_start", Map.of("kind", "agent", "agentId", execution.agentId(),
                "startedAt", execution.startedAt().toString(), "surfaceType", execution.surfaceType()));
    }

    @Override
    public void turnStart(int iteration) {
        turnText.setLength(0);
        textStarted = false;
        emit("turn_start", Map.of("iteration", iteration));
    }

    @Override
    public void textDelta(int iteration, String text) {
        if (!textStarted) {
            textStarted = true;
            emit("text_start", Map.of("iteration", iteration));
        }
        turnText.append(text);
        emit("text_delta", Map.of("iteration", iteration, "delta", text));
    }

    @Override
    public void turnComplete(Iteration iteration, String stopReason) {
        String text = iteration.call().response().text();
        if (!text.isEmpty()) {
            if (!textStarted) {
                emit("text_start", Map.of("iteration", iteration.number()));
            }
            emit("text_complete", Map.of("iteration", iteration.number(), "text", text));
        }
        var usage = iteration.call().response().usage();
        emit("turn_complete", Map.of("iteration", iteration.number(), "stopReason", stopReason,
                "toolCalls", iteration.toolCalls(),
                "tokens", Map.of("input", usage.promptTokens(), "output", usage.completionTokens()),
                "cost", iteration.call().cost()));
    }

    @Override
    public void toolStart(int iteration, String toolCallId, ToolCall call) {
        emit("tool_start", Map.of("iteration", iteration, "toolCallId", toolCallId, "toolName", call.name(),
                "parameters", parameters(call.argumentsJson())));
    }

    @Override
    public void toolComplete(ToolCallRecord call) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("iteration", call.iteration());
        data.put("toolCallId", call.id());
        data.put("toolName", call.toolName());
        data.put("toolType", call.outcome().toolType());
        data.put("success", call.outcome().success());
        data.put("result", call.outcome().output());
        data.put("error", call.outcome().error());
        data.put("executionTime", call.outcome().durationMs());
        emit("tool_complete", data);
    }

    private Object parameters(String argumentsJson) {
        try {
            Object parsed = json.readValue(argumentsJson, Object.class);
            return parsed == null ? Map.of() : parsed;
        } catch (IOException | RuntimeException e) {
            return argumentsJson;
        }
    }

    /** The one terminal frame, after the execution's end is committed. */
    public void terminal(ExecutionResult result, @Nullable LoopOutcome.LoopError error, long inputTokens,
                         long outputTokens) {
        Map<String, Object> data = new LinkedHashMap<>();
        boolean completed = ExecutionStatus.COMPLETED.equals(result.status());
        data.put("success", completed);
        data.put("status", result.status());
        data.put("finalOutput", result.finalOutput());
        data.put("iterations", result.iterations());
        data.put("stopReason", result.stopReason());
        data.put("totalCost", result.totalCost());
        data.put("totalTokens", Map.of("input", inputTokens, "output", outputTokens));
        data.put("totalTokensUsed", result.totalTokens());
        data.put("completedAt", result.completedAt().toString());
        data.put("durationMs", Duration.between(execution.startedAt(), result.completedAt()).toMillis());
        if (!completed) {
            data.put("error", error == null ? Map.of("code", "error", "message", String.valueOf(result.errorMessage()))
                    : Map.of("code", error.code(), "message", error.message()));
        }
        emit(completed ? EXECUTION_COMPLETE : EXECUTION_ERROR, data);
    }

    private void emit(String type, Map<String, ?> fields) {
        Map<String, Object> frame = new LinkedHashMap<>();
        frame.put("type", type);
        frame.put("seq", seq);
        frame.put("executionId", execution.id());
        frame.put("timestamp", Instant.now().toString());
        frame.putAll(fields);
        String text;
        try {
            text = new String(json.writeValueAsBytes(frame), StandardCharsets.UTF_8);
        } catch (IOException e) {
            LOG.warn("frame {} of execution {} could not be written", type, execution.id(), e);
            return;
        }
        Frame written = new Frame(seq++, type, text);
        try {
            store.append(execution.organizationId(), execution.id(), written.seq(), type,
                    text.replace("\\u0000", ""));
        } catch (RuntimeException e) {
            // the live stream still gets it; only a replay would miss it
            LOG.warn("frame {} of execution {} could not be stored", written.seq(), execution.id(), e);
        }
        try {
            live.accept(written);
        } catch (RuntimeException e) {
            LOG.debug("live consumer of execution {} refused a frame", execution.id(), e);
        }
    }
}
