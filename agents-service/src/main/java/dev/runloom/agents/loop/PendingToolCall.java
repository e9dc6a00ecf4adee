package dev.runloom.agents.loop;

import io.micronaut.serde.annotation.Serdeable;

/**
 * A tool call the model asked for that has not run yet: {@code id} is ours ({@code toolcall_…}, the
 * {@code toolCallId} of its frames and row), {@code providerCallId} the id the model gave it.
 */
@Serdeable
public record PendingToolCall(String id, String providerCallId, String name, String argumentsJson) {

    ToolCall toCall() {
        return new ToolCall(providerCallId, name, argumentsJson);
    }
}
