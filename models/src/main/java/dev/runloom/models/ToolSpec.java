package dev.runloom.models;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;

import java.util.Map;

/**
 * A tool the model may ask to call: its name, what it does, and its parameters as a JSON Schema
 * object ({@code {"type":"object","properties":{…},"required":[…]}}).
 */
@Serdeable
public record ToolSpec(String name, @Nullable String description, @Nullable Map<String, Object> parameters) {
}
