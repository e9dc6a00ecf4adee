package dev.runloom.flows.flow;

import dev.runloom.flows.steps.StepDefinition;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.Query;
import io.micronaut.data.annotation.TypeDef;
import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.DataType;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.GenericRepository;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** The {@code flow_versions} table (steps as JSON); every statement filters by organization. */
@JdbcRepository(dialect = Dialect.POSTGRES)
public interface FlowVersionRepository extends GenericRepository<FlowVersion, String> {

    @Query("""
            INSERT INTO flow_versions (id, flow_id, organization_id, version_number, name, steps, created_at, label, notes)
            VALUES (:id, :flowId, :organizationId, :versionNumber, :name, CAST(:steps AS jsonb), :createdAt, :label,
                    :notes)""")
    void insert(String id, String flowId, String organizationId, int versionNumber, String name,
                @TypeDef(type = DataType.JSON) List<StepDefinition> steps, Instant createdAt, @Nullable String label,
                @Nullable String notes);

    default void insert(FlowVersion v) {
        insert(v.id(), v.flowId(), v.organizationId(), v.versionNumber(), v.name(), v.steps(), v.createdAt(), v.label(),
                v.notes());
    }

    Optional<FlowVersion> findByOrganizationIdAndId(String organizationId, String id);

    Optional<FlowVersion> findByOrganizationIdAndFlowIdAndId(String organizationId, String flowId, String id);

    /** Newest first. */
    List<FlowVersion> findByOrganizationIdAndFlowIdOrderByVersionNumberDesc(String organizationId, String flowId);

    @Query("SELECT COALESCE(MAX(version_number), 0) FROM flow_versions WHERE organization_id = :organizationId AND flow_id = :flowId")
    int maxVersionNumber(String organizationId, String flowId);

    /** Release notes given when a version is published; absent ones keep what the version had. */
    @Query("""
            UPDATE flow_versions SET label = COALESCE(:label, label), notes = COALESCE(:notes, notes)
            WHERE organization_id = :organizationId AND id = :id""")
    void describe(String organizationId, String id, @Nullable String label, @Nullable String notes);

    @Query("DELETE FROM flow_versions WHERE organization_id = :organizationId AND flow_id = :flowId")
    int deleteAllOfFlow(String organizationId, String flowId);
}
