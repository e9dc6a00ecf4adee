package dev.runloom.flows.steps;

import dev.runloom.common.problem.ProblemException;
import jakarta.inject.Singleton;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code set-variable}: puts {@code config.value} into the variable named by {@code variableName} (or
 * {@code outputVariable}). The value is any JSON; its strings are Liquid templates, and a string that is
 * exactly {@code {{ some.variable }}} copies that value as it is (an object stays an object).
 */
@Singleton
public class SetVariableStepType implements StepType {
    public static final String NAME = "set-variable";
    private static final String VALUE = "value";
    private static final String VARIABLE_NAME = "variableName";

    private final Liquid liquid;

    public SetVariableStepType(Liquid liquid) {
        this.liquid = liquid;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Map<String, Object> normalize(Map<String, Object> config, String stepName, String label) {
        if (!config.containsKey(VALUE)) {
            throw ProblemException.validation(label + ": config.value is required");
        }
        String variableName = StepConfig.optionalString(config, VARIABLE_NAME, label);
        Map<String, Object> normalized = new LinkedHashMap<>(config);
        if (variableName != null && !variableName.isBlank() && config.get(StepConfig.OUTPUT_VARIABLE) == null) {
            normalized.put(StepConfig.OUTPUT_VARIABLE, variableName.trim());
        }
        normalized.put(StepConfig.OUTPUT_VARIABLE, StepConfig.outputVariable(normalized, stepName, label));
        return normalized;
    }

    @Override
    public PreparedStep prepare(StepDefinition step) {
        TemplatedValue value = TemplatedValue.parse(liquid, step.config().get(VALUE));
        return context -> StepOutput.of(value.render(context));
    }
}
