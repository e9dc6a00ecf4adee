package dev.runloom.flows.steps;

import jakarta.inject.Singleton;

import java.util.LinkedHashMap;
import java.util.Map;

/** {@code template}: renders {@code config.template} (Liquid) against the context; the text is the output. */
@Singleton
public class TemplateStepType implements StepType {
    public static final String NAME = "template";
    private static final String TEMPLATE = "template";

    private final Liquid liquid;

    public TemplateStepType(Liquid liquid) {
        this.liquid = liquid;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public boolean callsModel() {
        return false;
    }

    @Override
    public Map<String, Object> normalize(Map<String, Object> config, String stepName, String label) {
        StepConfig.requiredString(config, TEMPLATE, label);
        StepConfig.optionalString(config, "outputFormat", label);
        Map<String, Object> normalized = new LinkedHashMap<>(config);
        normalized.put(StepConfig.OUTPUT_VARIABLE, StepConfig.outputVariable(config, stepName, label));
        return normalized;
    }

    @Override
    public PreparedStep prepare(StepDefinition step) {
        Liquid.ParsedTemplate template = liquid.parse((String) step.config().get(TEMPLATE));
        return context -> StepOutput.of(liquid.render(template, context));
    }
}
