package dev.runloom.models;

import io.micronaut.serde.annotation.Serdeable;

/** A tool call the model asked for: the provider's call id, the tool's name and its arguments as a JSON text. */
@Serdeable
public record ToolCallRequest(String id, String name, String arguments) {
}
