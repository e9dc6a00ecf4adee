package dev.runloom.models;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;

import java.util.List;

/**
 * One message of a conversation. {@code role} is {@code system}, {@code user}, {@code assistant} or
 * {@code tool}. An assistant message may carry the tool calls the model asked for; a {@code tool}
 * message answers one of them ({@code toolCallId}, {@code toolName}) with its result as {@code content}.
 * Unset fields are left out of JSON, so a plain message stays {@code {"role", "content"}} wherever
 * it is stored or answered (agents' {@code inputMessages}).
 */
@Serdeable
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ChatMessage(String role, @Nullable String content, @Nullable List<ToolCallRequest> toolCalls,
                          @Nullable String toolCallId, @Nullable String toolName) {
    public static final String SYSTEM = "system";
    public static final String USER = "user";
    public static final String ASSISTANT = "assistant";
    public static final String TOOL = "tool";

    public ChatMessage(String role, @Nullable String content) {
        this(role, content, null, null, null);
    }

    public static ChatMessage user(String content) {
        return new ChatMessage(USER, content);
    }

    public static ChatMessage assistant(@Nullable String content, List<ToolCallRequest> toolCalls) {
        return new ChatMessage(ASSISTANT, content, toolCalls.isEmpty() ? null : List.copyOf(toolCalls), null, null);
    }

    public static ChatMessage toolResult(String toolCallId, String toolName, String result) {
        return new ChatMessage(TOOL, result, null, toolCallId, toolName);
    }

    public List<ToolCallRequest> toolCallsOrEmpty() {
        return toolCalls == null ? List.of() : toolCalls;
    }
}
