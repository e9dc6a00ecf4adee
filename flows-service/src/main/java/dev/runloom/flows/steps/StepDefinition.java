package dev.runloom.flows.steps;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.micronaut.core.annotation.Creator;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;

import java.util.Map;

/**
 * One step of a flow version, as stored (in the version's {@code steps} JSON) and as answered in
 * {@code flowSteps}: {@code config} holds the per-type settings with defaults already filled in;
 * {@code when} is an optional JavaScript expression — falsy, and the step is skipped.
 */
@Serdeable
public record StepDefinition(String id, String type, String name, int order, boolean enabled,
                             Map<String, Object> config,
                             @JsonInclude(JsonInclude.Include.NON_NULL) @Nullable String when) {

    @Creator
    public StepDefinition {
    }

    public StepDefinition(String id, String type, String name, int order, boolean enabled, Map<String, Object> config) {
        this(id, type, name, order, enabled, config, null);
    }

    /** Where the step's output lands in the execution context. */
    public String outputVariable() {
        Object variable = config.get(StepConfig.OUTPUT_VARIABLE);
        return variable instanceof String s ? s : StepConfig.defaultOutputVariable(name);
    }
}
