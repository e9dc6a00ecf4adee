package dev.runloom.models;

public record ModelResponse(String model, String text, TokenUsage usage, String finishReason) {
}
