package dev.runloom.flows.flow;

import dev.runloom.common.problem.ProblemException;
import dev.runloom.flows.steps.StepDefinition;
import dev.runloom.flows.steps.StepScope;
import dev.runloom.flows.steps.StepTypes;
import jakarta.inject.Singleton;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Turns client step definitions into stored ones: steps sorted by {@code order}, then list position,
 * and renumbered 1..n; each step checked by {@link StepTypes#define} (an unknown or not yet supported
 * type is a 400 naming the step; ids given, defaults filled, templates parsed, scripts compiled: a
 * broken step is refused now rather than failing every record later).
 */
@Singleton
public class FlowDefinitions {
    static final int MAX_STEPS = 100;

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
        StepScope scope = StepScope.root();
        for (Positioned p : positioned) {
            StepDefinition step = normalize(p.step(), p.position() + 1, normalized.size() + 1, scope);
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

    private StepDefinition normalize(NewStep step, int position, int order, StepScope scope) {
        String name = step.name() == null ? null : step.name().trim();
        String label = name == null || name.isEmpty() ? "Step #" + position : "Step '" + name + "' (#" + position + ")";
        return stepTypes.define(step.id(), step.type(), name == null ? "" : name, order, step.enabled(), step.when(),
                step.config(), label, scope);
    }
}
