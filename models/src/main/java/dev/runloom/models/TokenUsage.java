package dev.runloom.models;

/** Tokens as the provider reported them; cached input tokens are a subset of prompt tokens. */
public record TokenUsage(long promptTokens, long completionTokens, long cachedPromptTokens) {
    public long totalTokens() {
        return promptTokens + completionTokens;
    }
}
