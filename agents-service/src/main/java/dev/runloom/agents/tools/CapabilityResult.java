package dev.runloom.agents.tools;

import io.micronaut.core.annotation.Nullable;

import java.math.BigDecimal;

/**
 * What a flow or sub-agent tool answered: its output (kept on failure too: the run's id, for
 * drill-down), the error the model reads when it failed, and what the run spent on models.
 */
public record CapabilityResult(boolean success, Object output, @Nullable String error, long tokens, BigDecimal cost) {
}
