package dev.runloom.agents.capabilities;

import dev.runloom.common.jdbc.Sql;
import io.micronaut.data.annotation.Query;
import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.GenericRepository;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The {@code agent_capabilities} table; every statement is scoped to the organization. */
@JdbcRepository(dialect = Dialect.POSTGRES)
public abstract class CapabilityRepository implements GenericRepository<Capability, String> {
    private final Sql sql;

    protected CapabilityRepository(Sql sql) {
        this.sql = sql;
    }

    /**
     * INSERT unless the agent already has a capability of that tool name; false then (the unique
     * {@code (agent_id, tool_name)} decides, so two concurrent adds of one name cannot both win).
     */
    public boolean insertIfNameFree(Capability c, String parametersSchemaJson) {
        return sql.update("""
                        INSERT INTO agent_capabilities (id, agent_id, organization_id, tool_name, tool_description, flow_id,
                                                        sub_agent_id, tool_id, parameters_schema, enabled, display_order,
                                                        created_at)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?, ?)
                        ON CONFLICT (agent_id, tool_name) DO NOTHING""",
                c.id(), c.agentId(), c.organizationId(), c.toolName(), c.toolDescription(), c.flowId(), c.subAgentId(),
                c.toolId(), parametersSchemaJson, c.enabled(), c.displayOrder(), c.createdAt()) == 1;
    }

    /** The agent's capabilities in display order (then creation order). */
    public List<Capability> ofAgent(String organizationId, String agentId) {
        return sql.list("""
                        SELECT id, agent_id, organization_id, tool_name, tool_description, flow_id, sub_agent_id, tool_id,
                               parameters_schema, enabled, display_order, created_at
                        FROM agent_capabilities WHERE organization_id = ? AND agent_id = ?
                        ORDER BY display_order, created_at, id""", Capability.class, organizationId, agentId);
    }

    public abstract Optional<Capability> findByOrganizationIdAndAgentIdAndId(String organizationId, String agentId,
                                                                            String id);

    @Query("DELETE FROM agent_capabilities WHERE organization_id = :organizationId AND agent_id = :agentId AND id = :id")
    public abstract int deleteCapability(String organizationId, String agentId, String id);

    /** A rollback (AV4) replaces the agent's capabilities with its version's. */
    @Query("DELETE FROM agent_capabilities WHERE organization_id = :organizationId AND agent_id = :agentId")
    public abstract int deleteAllOfAgent(String organizationId, String agentId);

    @Query("SELECT coalesce(max(display_order), -1) FROM agent_capabilities WHERE organization_id = :organizationId AND agent_id = :agentId")
    public abstract int maxDisplayOrder(String organizationId, String agentId);

    /** How many capabilities each of these agents has; agents without any are absent. */
    public Map<String, Integer> countByAgent(String organizationId, List<String> agentIds) {
        Map<String, Integer> counts = new HashMap<>();
        if (agentIds.isEmpty()) {
            return counts;
        }
        sql.list("""
                        SELECT agent_id, count(*) AS n FROM agent_capabilities
                        WHERE organization_id = ? AND agent_id = ANY(?) GROUP BY agent_id""",
                row -> counts.put(row.string("agent_id"), row.intValue("n")), organizationId,
                agentIds.toArray(String[]::new));
        return counts;
    }
}
