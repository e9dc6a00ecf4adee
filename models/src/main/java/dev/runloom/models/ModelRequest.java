package dev.runloom.models;

import io.micronaut.core.annotation.Nullable;

import java.time.Duration;
import java.util.List;

/**
 * One chat request, provider-neutral: the model (a configured alias, {@code provider/model-id}, or
 * {@code local}), an optional system prompt, the conversation, sampling settings, the wanted
 * response format, the tools the model may call, and how long one attempt may take (null: the
 * configured default).
 */
public record ModelRequest(String model, @Nullable String systemPrompt, List<ChatMessage> messages,
                           @Nullable Double temperature, @Nullable Integer maxTokens, ResponseFormat responseFormat,
                           List<ToolSpec> tools, @Nullable Duration timeout) {

    public ModelRequest {
        messages = List.copyOf(messages);
        responseFormat = responseFormat == null ? ResponseFormat.TEXT : responseFormat;
        tools = tools == null ? List.of() : List.copyOf(tools);
    }

    public ModelRequest(String model, @Nullable String systemPrompt, List<ChatMessage> messages,
                        @Nullable Double temperature, @Nullable Integer maxTokens) {
        this(model, systemPrompt, messages, temperature, maxTokens, ResponseFormat.TEXT, List.of(), null);
    }

    public ModelRequest withModel(String other) {
        return new ModelRequest(other, systemPrompt, messages, temperature, maxTokens, responseFormat, tools, timeout);
    }

    public ModelRequest withResponseFormat(ResponseFormat format) {
        return new ModelRequest(model, systemPrompt, messages, temperature, maxTokens, format, tools, timeout);
    }

    public ModelRequest withTools(List<ToolSpec> specs) {
        return new ModelRequest(model, systemPrompt, messages, temperature, maxTokens, responseFormat, specs, timeout);
    }

    public ModelRequest withTimeout(@Nullable Duration attemptTimeout) {
        return new ModelRequest(model, systemPrompt, messages, temperature, maxTokens, responseFormat, tools, attemptTimeout);
    }

    public boolean wantsJson() {
        return responseFormat == ResponseFormat.JSON;
    }
}
