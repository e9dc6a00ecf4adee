package dev.runloom.flows.flow;

import dev.runloom.flows.steps.StepDefinition;
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
            INSERT INTO flow_versions (id, flow_id, organization_id, version_number, name, steps, created_at)
            VALUES (:id, :flowId, :organizationId, :versionNumber, :name, CAST(:steps AS jsonb), :createdAt)""")
    void insert(String id, String flowId, String organizationId, int versionNumber, String name,
                @TypeDef(type = DataType.JSON) List<StepDefinition> steps, Instant createdAt);

    default void insert(FlowVersion v) {
        insert(v.id(), v.flowId(), v.organizationId(), v.versionNumber(), v.name(), v.steps(), v.createdAt());
    }

    Optional<FlowVersion> findByOrganizationIdAndId(String organizationId, String id);
}
