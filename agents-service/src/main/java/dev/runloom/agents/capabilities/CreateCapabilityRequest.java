package dev.runloom.agents.capabilities;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;

import java.util.Map;

/**
 * Body of A14 {@code POST /v1/agents/:id/capabilities}. Checked by {@link CapabilityService#add}
 * (not by bean validation) so each rule answers a problem naming its field.
 */
@Serdeable
public record CreateCapabilityRequest(@Nullable String toolName,
                                      @Nullable String toolDescription,
                                      @Nullable String flowId,
                                      @Nullable String subAgentId,
                                      @Nullable String toolId,
                                      @Nullable Map<String, Object> parametersSchema,
                                      @Nullable Object enabled,
                                      @Nullable Object displayOrder) {

    /** {@code enabled} as given: read as any JSON value so that "yes" or 1 is refused rather than coerced. */
    @Nullable Boolean enabledFlag() {
        if (enabled == null) {
            return null;
        }
        if (!(enabled instanceof Boolean flag)) {
            throw dev.runloom.common.problem.ProblemException.validation("enabled must be a boolean");
        }
        return flag;
    }

    /** {@code displayOrder} as given: an integer from 0 to 1,000,000 (not a string, not a fraction). */
    @Nullable Integer order() {
        if (displayOrder == null) {
            return null;
        }
        if (!(displayOrder instanceof Number number)) {
            throw dev.runloom.common.problem.ProblemException.validation("displayOrder must be an integer");
        }
        java.math.BigDecimal value;
        try {
            value = new java.math.BigDecimal(number.toString());
        } catch (NumberFormatException e) {
            throw dev.runloom.common.problem.ProblemException.validation("displayOrder must be an integer");
        }
        if (value.stripTrailingZeros().scale() > 0 || value.signum() < 0
                || value.compareTo(java.math.BigDecimal.valueOf(1_000_000)) > 0) {
            throw dev.runloom.common.problem.ProblemException.validation("displayOrder must be an integer from 0 to 1000000");
        }
        return value.intValueExact();
    }
}
