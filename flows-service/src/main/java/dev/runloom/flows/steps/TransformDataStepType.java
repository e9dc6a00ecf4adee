package dev.runloom.flows.steps;

import dev.runloom.common.problem.ProblemException;
import dev.runloom.flows.steps.script.JsSandbox;
import dev.runloom.flows.steps.script.JsScript;
import dev.runloom.flows.steps.script.ScriptException;
import jakarta.inject.Singleton;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code transform-data}: runs {@code config.script} in the JavaScript sandbox ({@link JsSandbox}: no
 * host access, no I/O, a CPU-time limit, a heap watchdog). The script reads the variables as
 * {@code input} (alias {@code variables}) — {@code input._record.metadata.x}, {@code input.summary} —
 * and is either an expression or a function body that {@code return}s; the result (JSON) is the output.
 */
@Singleton
public class TransformDataStepType implements StepType {
    public static final String NAME = "transform-data";
    static final int MAX_SCRIPT_LENGTH = 100_000;
    private static final String SCRIPT = "script";

    private final JsSandbox sandbox;

    public TransformDataStepType(JsSandbox sandbox) {
        this.sandbox = sandbox;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Map<String, Object> normalize(Map<String, Object> config, String stepName, String label) {
        String script = StepConfig.requiredString(config, SCRIPT, label);
        if (script.length() > MAX_SCRIPT_LENGTH) {
            throw ProblemException.validation(label + ": config.script is longer than " + MAX_SCRIPT_LENGTH + " characters");
        }
        String provider = StepConfig.optionalString(config, "sandboxProvider", label);
        if (provider != null && !provider.isBlank() && !provider.equals("default") && !provider.equals("graaljs")) {
            throw ProblemException.validation(label + ": config.sandboxProvider '" + provider
                    + "' is not available; this server runs scripts in its built-in sandbox (leave it out)");
        }
        try {
            sandbox.script(script);
        } catch (ScriptException e) {
            throw ProblemException.validation(label + ": config.script: " + e.getMessage());
        }
        Map<String, Object> normalized = new LinkedHashMap<>(config);
        normalized.put(StepConfig.OUTPUT_VARIABLE, StepConfig.outputVariable(config, stepName, label));
        return normalized;
    }

    @Override
    public PreparedStep prepare(StepDefinition step) {
        JsScript script = sandbox.script((String) step.config().get(SCRIPT));
        return context -> StepOutput.of(sandbox.run(script, context));
    }
}
