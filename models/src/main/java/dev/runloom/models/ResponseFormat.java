package dev.runloom.models;

/**
 * What the caller wants back. {@code JSON}: the reply must be one JSON value — providers with a JSON
 * mode are asked for it (OpenAI-compatible {@code response_format: json_object}); every reply is
 * validated either way, and one that does not parse fails the call.
 */
public enum ResponseFormat {
    TEXT,
    JSON
}
