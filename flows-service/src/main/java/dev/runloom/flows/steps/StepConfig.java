package dev.runloom.flows.steps;

import dev.runloom.common.problem.ProblemException;
import io.micronaut.core.annotation.Nullable;

import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/** Reading and checking the loosely typed {@code config} object of a step definition. */
public final class StepConfig {
    public static final String OUTPUT_VARIABLE = "outputVariable";
    /** Names the engine itself puts into the execution context; a step may not shadow them. */
    public static final String RECORD_VARIABLE = "_record";
    public static final String PREVIOUS_OUTPUT_VARIABLE = "previous_output";
    private static final Set<String> RESERVED = Set.of(RECORD_VARIABLE, PREVIOUS_OUTPUT_VARIABLE);
    private static final Pattern VARIABLE = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,99}");

    private StepConfig() {
    }

    /** "Summarize Record!" → "summarize_record"; a name without letters or digits gives "output". */
    public static String defaultOutputVariable(String stepName) {
        String snake = stepName.trim().toLowerCase(Locale.ROOT)
                .replaceAll("[^a-z0-9]+", "_")
                .replaceAll("^_+|_+$", "");
        if (snake.isEmpty()) {
            return "output";
        }
        return Character.isDigit(snake.charAt(0)) ? "step_" + snake : snake;
    }

    public static String requiredString(Map<String, Object> config, String key, String step) {
        Object value = config.get(key);
        if (!(value instanceof String s) || s.isBlank()) {
            throw ProblemException.validation(step + ": config." + key + " is required and must be a non-empty string");
        }
        return s;
    }

    public static @Nullable String optionalString(Map<String, Object> config, String key, String step) {
        Object value = config.get(key);
        if (value == null) {
            return null;
        }
        if (!(value instanceof String s)) {
            throw ProblemException.validation(step + ": config." + key + " must be a string");
        }
        return s;
    }

    public static @Nullable Number optionalNumber(Map<String, Object> config, String key, String step) {
        Object value = config.get(key);
        if (value == null) {
            return null;
        }
        if (!(value instanceof Number n)) {
            throw ProblemException.validation(step + ": config." + key + " must be a number");
        }
        return n;
    }

    /** The output variable as given (checked) or derived from the step name. */
    public static String outputVariable(Map<String, Object> config, String stepName, String step) {
        String given = optionalString(config, OUTPUT_VARIABLE, step);
        String variable = given == null || given.isBlank() ? defaultOutputVariable(stepName) : given.trim();
        if (!VARIABLE.matcher(variable).matches()) {
            throw ProblemException.validation(step + ": config.outputVariable '" + variable
                    + "' must start with a letter or underscore and contain only letters, digits and underscores");
        }
        if (RESERVED.contains(variable)) {
            throw ProblemException.validation(step + ": config.outputVariable '" + variable + "' is reserved");
        }
        return variable;
    }
}
