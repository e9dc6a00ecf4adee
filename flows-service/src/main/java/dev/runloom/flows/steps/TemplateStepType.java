package dev.runloom.flows.steps;

import dev.runloom.common.problem.ProblemException;
import jakarta.inject.Singleton;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * {@code template}: renders {@code config.template} (Liquid) against the context and applies
 * {@code outputFormat} ({@link OutputFormat}: text, markdown → HTML, html cleaned). With
 * {@code strictVariables: true} a variable no earlier step defines is refused when the flow is saved,
 * and one missing at run time fails the step instead of rendering blank.
 */
@Singleton
public class TemplateStepType implements StepType {
    public static final String NAME = "template";
    private static final String TEMPLATE = "template";
    private static final String OUTPUT_FORMAT = "outputFormat";
    private static final String STRICT = "strictVariables";

    private final Liquid liquid;

    public TemplateStepType(Liquid liquid) {
        this.liquid = liquid;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Map<String, Object> normalize(Map<String, Object> config, String stepName, String label) {
        return normalize(config, stepName, label, StepScope.root());
    }

    @Override
    public Map<String, Object> normalize(Map<String, Object> config, String stepName, String label, StepScope scope) {
        String template = StepConfig.requiredString(config, TEMPLATE, label);
        String format = StepConfig.optionalString(config, OUTPUT_FORMAT, label);
        OutputFormat outputFormat = format == null ? OutputFormat.TEXT : OutputFormat.of(format).orElseThrow(() ->
                ProblemException.validation(label + ": config.outputFormat must be one of text, markdown, html, email-html"));
        Object strict = config.get(STRICT);
        if (strict != null && !(strict instanceof Boolean)) {
            throw ProblemException.validation(label + ": config.strictVariables must be true or false");
        }
        if (Boolean.TRUE.equals(strict)) {
            Set<String> unknown = TemplateVariables.read(template).stream().filter(v -> !scope.defines(v))
                    .collect(Collectors.toCollection(java.util.LinkedHashSet::new));
            if (!unknown.isEmpty()) {
                throw ProblemException.validation(label + ": config.template uses " + String.join(", ", unknown)
                        + ", which no earlier step defines (strictVariables is on)");
            }
        }
        Map<String, Object> normalized = new LinkedHashMap<>(config);
        if (format != null) {
            normalized.put(OUTPUT_FORMAT, outputFormat.value());
        }
        normalized.put(StepConfig.OUTPUT_VARIABLE, StepConfig.outputVariable(config, stepName, label));
        return normalized;
    }

    @Override
    public PreparedStep prepare(StepDefinition step) {
        Map<String, Object> config = step.config();
        Liquid.ParsedTemplate template = liquid.parse((String) config.get(TEMPLATE), Boolean.TRUE.equals(config.get(STRICT)));
        OutputFormat format = config.get(OUTPUT_FORMAT) instanceof String s ? OutputFormat.of(s).orElse(OutputFormat.TEXT)
                : OutputFormat.TEXT;
        return context -> StepOutput.of(format.apply(liquid.render(template, context)));
    }
}
