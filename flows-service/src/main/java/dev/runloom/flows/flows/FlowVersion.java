package dev.runloom.flows.flows;

import dev.runloom.flows.steps.StepDefinition;

import java.time.Instant;
import java.util.List;

/** An immutable snapshot of a flow's definition; executions reference the version they ran. */
public record FlowVersion(String id, String flowId, String organizationId, int versionNumber, String name,
                          List<StepDefinition> steps, Instant createdAt) {
}
