package dev.runloom.flows.steps;

import java.util.List;

/**
 * A prepared step that chooses which steps run next ({@code conditional}): its output is a boolean,
 * and the engine then runs the steps of that branch, in order, in the same execution context.
 */
public interface BranchingStep extends PreparedStep {

    /** The steps to run when the step's output is {@code outcome}. */
    List<StepDefinition> branch(boolean outcome);
}
