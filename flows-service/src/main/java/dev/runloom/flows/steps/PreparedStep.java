package dev.runloom.flows.steps;

import java.util.Map;

/** A step ready to run: thread-safe, shared by every execution of its flow version. */
public interface PreparedStep {

    /**
     * Runs the step against the execution context ({@code _record}, earlier outputs,
     * {@code previous_output}).
     *
     * @throws RuntimeException when the step fails; its message becomes the step's error message
     */
    StepOutput run(Map<String, Object> context);

    /**
     * What the engine calls: steps that need to know on whose behalf they run (record writes, agents,
     * events) override this; the others only read the variables.
     */
    default StepOutput run(StepContext context) {
        return run(context.variables());
    }
}
