package dev.runloom.agents.loop;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;

import java.math.BigDecimal;

/**
 * How one tool call ended: its output (any JSON value) or the error the model is told about.
 * {@code tokens} and {@code cost} are what the tool spent on models (a sub-agent's or a flow's run):
 * they roll up into the execution's totals. A failed call may still carry an output (the failed
 * child execution's id, say) for drill-down.
 */
@Serdeable
public record ToolOutcome(boolean success, String toolType, @Nullable String description, @Nullable Object input,
                          @Nullable Object output, @Nullable String error, long durationMs, long tokens,
                          BigDecimal cost) {

    public ToolOutcome {
        cost = cost == null ? BigDecimal.ZERO : cost;
    }

    public static ToolOutcome completed(String toolType, @Nullable String description, Object input, Object output,
                                        long durationMs) {
        return new ToolOutcome(true, toolType, description, input, output, null, durationMs, 0, BigDecimal.ZERO);
    }

    public static ToolOutcome failed(String toolType, @Nullable String description, @Nullable Object input,
                                     String error, long durationMs) {
        return new ToolOutcome(false, toolType, description, input, null, error, durationMs, 0, BigDecimal.ZERO);
    }
}
