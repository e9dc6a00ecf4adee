package dev.runloom.flows.steps;

import java.util.Map;

/**
 * One kind of flow step ({@code template}, {@code prompt} …): how its config is checked and
 * completed with defaults when a flow is saved, and how it is prepared (templates parsed) once per
 * flow version so that running it for each record only renders and calls.
 */
public interface StepType {

    /** The {@code type} value in a step definition. */
    String name();

    /** Whether the step calls a model: counted in {@code promptsExecuted}, else in {@code contextSteps}. */
    default boolean callsModel() {
        return false;
    }

    /**
     * Checks the config and returns it with defaults filled in (e.g. {@code outputVariable}).
     *
     * @param label how error messages name the step, e.g. {@code Step 'Summarize' (#2)}
     * @throws dev.runloom.common.problem.ProblemException a 400 naming the step and the field
     */
    Map<String, Object> normalize(Map<String, Object> config, String stepName, String label);

    /**
     * The save-time check {@link StepTypes#define} calls: {@link #normalize} for most types; types that
     * need to know the steps before them (strict templates, nested steps) override this.
     *
     * @param scope the variables defined before this step and the nesting depth
     */
    default Map<String, Object> normalize(Map<String, Object> config, String stepName, String label, StepScope scope) {
        return normalize(config, stepName, label);
    }

    /**
     * Parses what can be parsed ahead of time.
     *
     * @throws TemplateException when a template does not parse
     */
    PreparedStep prepare(StepDefinition step);
}
