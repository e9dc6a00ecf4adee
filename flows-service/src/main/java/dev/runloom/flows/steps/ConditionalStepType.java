package dev.runloom.flows.steps;

import dev.runloom.common.problem.ProblemException;
import dev.runloom.flows.steps.script.JsSandbox;
import dev.runloom.flows.steps.script.JsScript;
import dev.runloom.flows.steps.script.ScriptException;
import jakarta.inject.Provider;
import jakarta.inject.Singleton;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code conditional}: evaluates {@code config.condition} (a JavaScript expression over {@code input},
 * like {@code when}) and runs {@code trueSteps} or {@code falseSteps} right after it. Branch steps are
 * full step definitions (any type, conditionals too, at most {@value StepScope#MAX_NESTING} levels
 * deep), checked like top-level ones when the flow is saved and stored inside this step's config.
 * The step's own output is the boolean outcome.
 */
@Singleton
public class ConditionalStepType implements StepType {
    public static final String NAME = "conditional";
    private static final String CONDITION = "condition";
    private static final List<String> BRANCHES = List.of("trueSteps", "falseSteps");
    private static final int MAX_BRANCH_STEPS = 50;

    private final JsSandbox sandbox;
    // StepTypes holds every type, this one too: resolved lazily to break the cycle
    private final Provider<StepTypes> stepTypes;

    public ConditionalStepType(JsSandbox sandbox, Provider<StepTypes> stepTypes) {
        this.sandbox = sandbox;
        this.stepTypes = stepTypes;
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
        if (scope.depth() + 1 > StepScope.MAX_NESTING) {
            throw ProblemException.validation(label + ": conditionals may be nested at most " + StepScope.MAX_NESTING
                    + " levels deep");
        }
        String condition = StepConfig.requiredString(config, CONDITION, label);
        try {
            sandbox.expression(condition);
        } catch (ScriptException e) {
            throw ProblemException.validation(label + ": config.condition is not a valid JavaScript expression: "
                    + e.getMessage());
        }
        Map<String, Object> normalized = new LinkedHashMap<>(config);
        for (String branch : BRANCHES) {
            normalized.put(branch, normalizeBranch(config.get(branch), branch, label, scope.nested()));
        }
        normalized.put(StepConfig.OUTPUT_VARIABLE, StepConfig.outputVariable(config, stepName, label));
        return normalized;
    }

    private List<Map<String, Object>> normalizeBranch(Object value, String branch, String label, StepScope scope) {
        if (value == null) {
            return List.of();
        }
        if (!(value instanceof List<?> steps)) {
            throw ProblemException.validation(label + ": config." + branch + " must be a list of steps");
        }
        if (steps.size() > MAX_BRANCH_STEPS) {
            throw ProblemException.validation(label + ": config." + branch + " has more than " + MAX_BRANCH_STEPS + " steps");
        }
        List<Map<String, Object>> normalized = new ArrayList<>();
        for (int i = 0; i < steps.size(); i++) {
            String stepLabel = label + " → config." + branch + "[" + i + "]";
            if (!(steps.get(i) instanceof Map<?, ?> raw)) {
                throw ProblemException.validation(stepLabel + " must be a step object");
            }
            String name = raw.get("name") instanceof String s ? s.trim() : "";
            if (!name.isEmpty()) {
                stepLabel = stepLabel + " '" + name + "'";
            }
            StepDefinition step = stepTypes.get().define(string(raw, "id", stepLabel), string(raw, "type", stepLabel), name,
                    i + 1, bool(raw, "enabled", stepLabel), string(raw, "when", stepLabel), config(raw, stepLabel),
                    stepLabel, scope);
            normalized.add(toMap(step));
        }
        return normalized;
    }

    @Override
    public PreparedStep prepare(StepDefinition step) {
        JsScript condition = sandbox.expression((String) step.config().get(CONDITION));
        List<StepDefinition> whenTrue = fromMaps(step.config().get("trueSteps"));
        List<StepDefinition> whenFalse = fromMaps(step.config().get("falseSteps"));
        return new BranchingStep() {
            @Override
            public StepOutput run(Map<String, Object> context) {
                return StepOutput.of(sandbox.truthy(condition, context));
            }

            @Override
            public List<StepDefinition> branch(boolean outcome) {
                return outcome ? whenTrue : whenFalse;
            }
        };
    }

    private static Map<String, Object> toMap(StepDefinition step) {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("id", step.id());
        map.put("type", step.type());
        map.put("name", step.name());
        map.put("order", step.order());
        map.put("enabled", step.enabled());
        map.put("config", step.config());
        if (step.when() != null) {
            map.put("when", step.when());
        }
        return map;
    }

    @SuppressWarnings("unchecked")
    private static List<StepDefinition> fromMaps(Object value) {
        if (!(value instanceof List<?> list)) {
            return List.of();
        }
        List<StepDefinition> steps = new ArrayList<>();
        for (Object item : list) {
            Map<String, Object> m = (Map<String, Object>) item;
            steps.add(new StepDefinition((String) m.get("id"), (String) m.get("type"), (String) m.get("name"),
                    ((Number) m.get("order")).intValue(), !Boolean.FALSE.equals(m.get("enabled")),
                    (Map<String, Object>) m.get("config"), (String) m.get("when")));
        }
        return List.copyOf(steps);
    }

    private static String string(Map<?, ?> raw, String key, String label) {
        Object value = raw.get(key);
        if (value != null && !(value instanceof String)) {
            throw ProblemException.validation(label + ": " + key + " must be a string");
        }
        return (String) value;
    }

    private static Boolean bool(Map<?, ?> raw, String key, String label) {
        Object value = raw.get(key);
        if (value != null && !(value instanceof Boolean)) {
            throw ProblemException.validation(label + ": " + key + " must be true or false");
        }
        return (Boolean) value;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> config(Map<?, ?> raw, String label) {
        Object value = raw.get("config");
        if (value != null && !(value instanceof Map)) {
            throw ProblemException.validation(label + ": config must be an object");
        }
        return (Map<String, Object>) value;
    }
}
