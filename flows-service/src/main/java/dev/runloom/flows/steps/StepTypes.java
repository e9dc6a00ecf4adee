package dev.runloom.flows.steps;

import dev.runloom.common.id.Ids;
import dev.runloom.common.problem.ProblemException;
import dev.runloom.flows.steps.script.JsSandbox;
import dev.runloom.flows.steps.script.ScriptException;
import io.micronaut.core.annotation.Nullable;
import jakarta.inject.Singleton;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The step types this service can run, by their {@code type} name, and the save-time checks every
 * step gets whatever its type ({@link #define}): a name, a supported type, an id, the generic options
 * ({@code when}, {@code config.errorHandling}), then its type's own checks, templates parsed and
 * scripts compiled — so a broken step is a 400 naming the step and the field when the flow is saved,
 * not a failure of every record later.
 */
@Singleton
public class StepTypes {
    private static final int MAX_NAME_LENGTH = 255;
    private static final int MAX_ID_LENGTH = 100;
    private static final int MAX_WHEN_LENGTH = 10_000;

    private final Map<String, StepType> byName;
    private final JsSandbox sandbox;

    public StepTypes(List<StepType> types, JsSandbox sandbox) {
        this.byName = types.stream().collect(Collectors.toMap(StepType::name, Function.identity()));
        this.sandbox = sandbox;
    }

    public Optional<StepType> find(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    public StepType get(String name) {
        return find(name).orElseThrow(() -> new IllegalStateException("no step type " + name));
    }

    /** Sorted, for error messages. */
    public List<String> names() {
        return byName.keySet().stream().sorted().toList();
    }

    /**
     * Checks one step as a client wrote it and returns it as stored. Defines its output variable in
     * {@code scope} for the steps after it.
     *
     * @param label how messages name the step, e.g. {@code Step 'Summarize' (#2)}
     * @throws ProblemException a 400 naming the step and the field: {@code unsupported_step_type} for a
     *                          type this server does not run, {@code invalid_template} for a broken
     *                          template, {@code validation_failed} for anything else
     */
    public StepDefinition define(@Nullable String id, @Nullable String typeName, String name, int order,
                                 @Nullable Boolean enabled, @Nullable String when, @Nullable Map<String, Object> config,
                                 String label, StepScope scope) {
        if (name.isEmpty()) {
            throw ProblemException.validation(label + ": name is required");
        }
        if (name.length() > MAX_NAME_LENGTH) {
            throw ProblemException.validation(label + ": name is longer than " + MAX_NAME_LENGTH + " characters");
        }
        if (typeName == null || typeName.isBlank()) {
            throw ProblemException.validation(label + ": type is required");
        }
        StepType type = find(typeName.trim()).orElseThrow(() -> ProblemException.badRequest("unsupported_step_type",
                label + " has type '" + typeName + "', which this server does not run; supported step types: "
                        + String.join(", ", names())));
        String stepId = id == null || id.isBlank() ? Ids.newId("step") : id.trim();
        if (stepId.length() > MAX_ID_LENGTH) {
            throw ProblemException.validation(label + ": id is longer than " + MAX_ID_LENGTH + " characters");
        }
        String condition = when == null || when.isBlank() ? null : when.strip();
        if (condition != null) {
            if (condition.length() > MAX_WHEN_LENGTH) {
                throw ProblemException.validation(label + ": when is longer than " + MAX_WHEN_LENGTH + " characters");
            }
            try {
                sandbox.expression(condition);
            } catch (ScriptException e) {
                throw ProblemException.validation(label + ": when is not a valid JavaScript expression: " + e.getMessage());
            }
        }
        Map<String, Object> checked = ErrorPolicy.normalize(config == null ? Map.of() : config, label);
        StepDefinition definition = new StepDefinition(stepId, type.name(), name, order, enabled == null || enabled,
                type.normalize(checked, name, label, scope), condition);
        try {
            type.prepare(definition);
        } catch (TemplateException e) {
            throw ProblemException.badRequest("invalid_template", label + ": " + e.getMessage());
        } catch (ScriptException e) {
            throw ProblemException.validation(label + ": " + e.getMessage());
        }
        scope.define(definition.outputVariable());
        return definition;
    }
}
