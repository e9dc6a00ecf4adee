package dev.runloom.models;

import io.micronaut.core.annotation.Nullable;

import java.util.List;

/**
 * A model's answer: {@code model} is the name the request used (alias or {@code provider/id}), the
 * text (may be empty when the model only asks for tools), token usage as the provider reported it,
 * the finish reason ({@code stop}, {@code length}, {@code tool_calls}, {@code content_filter}) and
 * the tool calls the model asked for.
 */
public record ModelResponse(String model, String text, TokenUsage usage, @Nullable String finishReason,
                            List<ToolCallRequest> toolCalls) {

    public ModelResponse {
        text = text == null ? "" : text;
        toolCalls = toolCalls == null ? List.of() : List.copyOf(toolCalls);
    }

    public ModelResponse(String model, String text, TokenUsage usage, @Nullable String finishReason) {
        this(model, text, usage, finishReason, List.of());
    }
}
