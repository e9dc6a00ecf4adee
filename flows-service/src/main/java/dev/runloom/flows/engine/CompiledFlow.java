package dev.runloom.flows.engine;

import dev.runloom.flows.steps.ErrorPolicy;
import dev.runloom.flows.steps.PreparedStep;
import dev.runloom.flows.steps.StepDefinition;
import dev.runloom.flows.steps.script.JsScript;
import io.micronaut.core.annotation.Nullable;

import java.util.List;

/** A flow version with its steps prepared (templates parsed): what the engine runs, shared and cached. */
public record CompiledFlow(String flowId, String flowName, String versionId, String organizationId,
                           List<CompiledStep> steps) {

    /**
     * A prepared step with its generic options: the compiled {@code when} expression (null when the
     * step always runs), its error policy, and for a {@code conditional} the compiled steps of each branch.
     */
    public record CompiledStep(StepDefinition definition, boolean callsModel, PreparedStep prepared,
                               @Nullable JsScript when, ErrorPolicy errorPolicy, List<CompiledStep> whenTrue,
                               List<CompiledStep> whenFalse) {

        public CompiledStep(StepDefinition definition, boolean callsModel, PreparedStep prepared) {
            this(definition, callsModel, prepared, null, ErrorPolicy.DEFAULT, List.of(), List.of());
        }

        List<CompiledStep> branch(boolean outcome) {
            return outcome ? whenTrue : whenFalse;
        }
    }
}
