package dev.runloom.agents.loop;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;

/** How one tool call ended: its output (any JSON value) or the error the model is told about. */
@Serdeable
public record ToolOutcome(boolean success, String toolType, @Nullable String description, @Nullable Object input,
                          @Nullable Object output, @Nullable String error, long durationMs) {

    public static ToolOutcome completed(String toolType, @Nullable String description, Object input, Object output,
                                        long durationMs) {
        return new ToolOutcome(true, toolType, description, input, output, null, durationMs);
    }

    public static ToolOutcome failed(String toolType, @Nullable String description, @Nullable Object input,
                                     String error, long durationMs) {
        return new ToolOutcome(false, toolType, description, input, null, error, durationMs);
    }
}
