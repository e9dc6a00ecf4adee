package dev.runloom.flows.flow;

import dev.runloom.flows.steps.StepDefinition;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;
import io.micronaut.data.annotation.TypeDef;
import io.micronaut.data.model.DataType;

import java.time.Instant;
import java.util.List;

/**
 * An immutable snapshot of a flow's definition (table {@code flow_versions}); executions reference
 * the version they ran, so editing a flow never rewrites history. Only {@code label} and
 * {@code notes} — release notes given when it is published — are set later.
 */
@MappedEntity("flow_versions")
public record FlowVersion(@Id String id,
                          String flowId,
                          String organizationId,
                          int versionNumber,
                          String name,
                          @TypeDef(type = DataType.JSON) List<StepDefinition> steps,
                          Instant createdAt,
                          @Nullable String label,
                          @Nullable String notes) {

    public static final String TYPE_DRAFT = "draft";
    public static final String TYPE_PUBLISHED = "published";
    /** Neither the published version nor the current draft: an earlier draft, or a version published before. */
    public static final String TYPE_ARCHIVED = "archived";

    /** {@code draft}, {@code published} or {@code archived}, from where the flow's pointers are. */
    public String versionType(Flow flow) {
        if (id.equals(flow.publishedVersionId())) {
            return TYPE_PUBLISHED;
        }
        return id.equals(flow.draftVersionId()) ? TYPE_DRAFT : TYPE_ARCHIVED;
    }
}
