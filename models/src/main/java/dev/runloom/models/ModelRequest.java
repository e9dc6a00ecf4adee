package dev.runloom.models;

import io.micronaut.core.annotation.Nullable;

import java.util.List;

/** One completion request, provider-neutral. */
public record ModelRequest(String model, @Nullable String systemPrompt, List<ChatMessage> messages,
                           @Nullable Double temperature, @Nullable Integer maxTokens) {
}
