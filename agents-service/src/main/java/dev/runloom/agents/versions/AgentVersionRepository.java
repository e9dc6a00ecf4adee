package dev.runloom.agents.versions;

import io.micronaut.data.annotation.Query;
import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.GenericRepository;

import java.util.List;
import java.util.Optional;

/** The {@code agent_versions} table; every read is scoped to the organization. */
@JdbcRepository(dialect = Dialect.POSTGRES)
public interface AgentVersionRepository extends GenericRepository<AgentVersion, String> {

    AgentVersion save(AgentVersion version);

    List<AgentVersion> findByOrganizationIdAndAgentIdOrderByVersionNumberDesc(String organizationId, String agentId);

    Optional<AgentVersion> findByOrganizationIdAndAgentIdAndId(String organizationId, String agentId, String id);

    @Query("SELECT coalesce(max(version_number), 0) FROM agent_versions WHERE organization_id = :organizationId AND agent_id = :agentId")
    int maxVersionNumber(String organizationId, String agentId);
}
