package dev.runloom.common.model;

public record ModelResponse(String model, String text, TokenUsage usage, String finishReason) {
}
