package dev.runloom.flows.flow;

import dev.runloom.flows.steps.StepDefinition;
import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;
import io.micronaut.data.annotation.TypeDef;
import io.micronaut.data.model.DataType;

import java.time.Instant;
import java.util.List;

/**
 * An immutable snapshot of a flow's definition (table {@code flow_versions}); executions reference
 * the version they ran, so editing a flow never rewrites history.
 */
@MappedEntity("flow_versions")
public record FlowVersion(@Id String id,
                          String flowId,
                          String organizationId,
                          int versionNumber,
                          String name,
                          @TypeDef(type = DataType.JSON) List<StepDefinition> steps,
                          Instant createdAt) {
}
