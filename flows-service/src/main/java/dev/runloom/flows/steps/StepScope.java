package dev.runloom.flows.steps;

import java.util.HashSet;
import java.util.Set;

/**
 * What save-time checks of a step know about the steps before it: the variables defined so far
 * (the engine's own, then each earlier step's output variable, including those inside conditional
 * branches) and how deeply the step is nested in {@code conditional}s. One scope is threaded through a
 * whole flow definition in step order.
 */
public final class StepScope {
    /** A conditional inside a conditional … at most this many levels deep. */
    public static final int MAX_NESTING = 10;

    private final Set<String> variables;
    private final int depth;

    private StepScope(Set<String> variables, int depth) {
        this.variables = variables;
        this.depth = depth;
    }

    /** The scope of a flow's top-level steps. */
    public static StepScope root() {
        Set<String> variables = new HashSet<>();
        variables.add(StepConfig.RECORD_VARIABLE);
        variables.add(StepConfig.PREVIOUS_OUTPUT_VARIABLE);
        return new StepScope(variables, 0);
    }

    /** The scope of the steps of a branch: same variables (a branch's outputs stay visible after it), one level deeper. */
    public StepScope nested() {
        return new StepScope(variables, depth + 1);
    }

    public int depth() {
        return depth;
    }

    public boolean defines(String variable) {
        return variables.contains(variable);
    }

    public void define(String variable) {
        variables.add(variable);
    }
}
