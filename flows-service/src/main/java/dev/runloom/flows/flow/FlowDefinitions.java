package dev.runloom.flows.flow;

import dev.runloom.common.id.Ids;
import dev.runloom.common.problem.ProblemException;
import dev.runloom.flows.steps.StepDefinition;
import dev.runloom.flows.steps.StepType;
import dev.runloom.flows.steps.StepTypes;
import dev.runloom.flows.steps.TemplateException;
import jakarta.inject.Singleton;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns client step definitions into stored ones: every step checked by its type (an unknown or
 * not yet supported type is a 400 naming the step), ids given, defaults filled, templates parsed
 * (a broken template is refused now rather than failing every record later), and steps sorted by
 * {@code order}, then list position, and renumbered 1..n.
 */
@Singleton
public class FlowDefinitions {
    static final int MAX_STEPS = 100;
    private static final int MAX_NAME_LENGTH = 255;
    private static final int MAX_ID_LENGTH = 100;

    private final StepTypes stepTypes;

    public FlowDefinitions(StepTypes stepTypes) {
        this.stepTypes = stepTypes;
    }

    public List<StepDefinition> normalize(List<NewStep> steps) {
        if (steps.size() > MAX_STEPS) {
            throw ProblemException.validation("A flow has at most " + MAX_STEPS + " steps");
        }
        record Positioned(NewStep step, int position) {
        }
        List<Positioned> positioned = new ArrayList<>();
        for (int i = 0; i < steps.size(); i++) {
            if (steps.get(i) == null) {
                throw ProblemException.validation("Step #" + (i + 1) + " is null");
            }
            positioned.add(new Positioned(steps.get(i), i));
        }
        positioned.sort(Comparator.comparingInt((Positioned p) -> p.step().order() != null ? p.step().order() : p.position() + 1)
                .thenComparingInt(Positioned::position));

        List<StepDefinition> normalized = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        Set<String> outputVariables = new HashSet<>();
        for (Positioned p : positioned) {
            StepDefinition step = normalize(p.step(), p.position() + 1, normalized.size() + 1);
            if (!ids.add(step.id())) {
                throw ProblemException.validation("Step id '" + step.id() + "' is used by more than one step");
            }
            if (!outputVariables.add(step.outputVariable())) {
                throw ProblemException.validation("Step '" + step.name() + "': outputVariable '" + step.outputVariable()
                        + "' is already used by another step; give one of them a different config.outputVariable");
            }
            normalized.add(step);
        }
        return normalized;
    }

    private StepDefinition normalize(NewStep step, int position, int order) {
        String name = step.name() == null ? null : step.name().trim();
        String label = name == null || name.isEmpty() ? "Step #" + position : "Step '" + name + "' (#" + position + ")";
        if (name == null || name.isEmpty()) {
            throw ProblemException.validation(label + ": name is required");
        }
        if (name.length() > MAX_NAME_LENGTH) {
            throw ProblemException.validation(label + ": name is longer than " + MAX_NAME_LENGTH + " characters");
        }
        if (step.type() == null || step.type().isBlank()) {
            throw ProblemException.validation(label + ": type is required");
        }
        StepType type = stepTypes.find(step.type().trim()).orElseThrow(() -> ProblemException.badRequest(
                "unsupported_step_type", label + " has type '" + step.type() + "', which this server does not run;"
                        + " supported step types: " + String.join(", ", stepTypes.names())));
        String id = step.id() == null || step.id().isBlank() ? Ids.newId("step") : step.id().trim();
        if (id.length() > MAX_ID_LENGTH) {
            throw ProblemException.validation(label + ": id is longer than " + MAX_ID_LENGTH + " characters");
        }
        Map<String, Object> config = step.config() == null ? Map.of() : step.config();
        StepDefinition definition = new StepDefinition(id, type.name(), name, order,
                step.enabled() == null || step.enabled(), type.normalize(config, name, label));
        try {
            type.prepare(definition);
        } catch (TemplateException e) {
            throw ProblemException.badRequest("invalid_template", label + ": " + e.getMessage());
        }
        return definition;
    }
}
