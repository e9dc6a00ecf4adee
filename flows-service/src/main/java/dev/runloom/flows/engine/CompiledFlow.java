package dev.runloom.flows.engine;

import dev.runloom.flows.steps.PreparedStep;
import dev.runloom.flows.steps.StepDefinition;

import java.util.List;

/** A flow version with its steps prepared (templates parsed): what the engine runs, shared and cached. */
public record CompiledFlow(String flowId, String flowName, String versionId, String organizationId,
                           List<CompiledStep> steps) {

    public record CompiledStep(StepDefinition definition, boolean callsModel, PreparedStep prepared) {
    }
}
