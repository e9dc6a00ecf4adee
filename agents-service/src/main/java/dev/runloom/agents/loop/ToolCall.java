package dev.runloom.agents.loop;

/** A tool the model asked for in one iteration: the call id it chose, the tool's name and its JSON arguments. */
public record ToolCall(String id, String name, String argumentsJson) {
}
