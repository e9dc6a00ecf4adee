package dev.runloom.agents.a2a;

import io.micronaut.data.annotation.Query;
import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.GenericRepository;

import java.time.Instant;
import java.util.Optional;

/** The {@code agent_external_configs} table; every read is scoped to the caller's organization. */
@JdbcRepository(dialect = Dialect.POSTGRES)
public interface ExternalAgentRepository extends GenericRepository<ExternalAgentConfig, String> {

    ExternalAgentConfig save(ExternalAgentConfig config);

    ExternalAgentConfig update(ExternalAgentConfig config);

    Optional<ExternalAgentConfig> findByOrganizationIdAndAgentId(String organizationId, String agentId);

    @Query("DELETE FROM agent_external_configs WHERE organization_id = :organizationId AND agent_id = :agentId")
    int deleteConfig(String organizationId, String agentId);

    @Query("""
            UPDATE agent_external_configs SET health_status = :healthStatus, last_health_check_at = :checkedAt
            WHERE organization_id = :organizationId AND agent_id = :agentId""")
    int markHealth(String organizationId, String agentId, String healthStatus, Instant checkedAt);
}
