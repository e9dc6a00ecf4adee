package dev.runloom.agents.references;

import dev.runloom.agents.agent.Agent;
import dev.runloom.common.jdbc.Sql;
import dev.runloom.kernel.references.FlowReferrers;
import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.GenericRepository;

import java.util.List;

/** The agents whose primary flow is a given flow, oldest first; filtered by organization. */
@JdbcRepository(dialect = Dialect.POSTGRES)
public abstract class FlowReferenceRepository implements GenericRepository<Agent, String> {
    private final Sql sql;

    protected FlowReferenceRepository(Sql sql) {
        this.sql = sql;
    }

    public List<FlowReferrers.Referrer> agentsUsingFlow(String organizationId, String flowId, int limit) {
        return sql.list("""
                        SELECT id, name FROM agents WHERE organization_id = ? AND primary_flow_id = ?
                        ORDER BY created_at, id LIMIT ?""",
                row -> new FlowReferrers.Referrer(row.string("id"), row.string("name")), organizationId, flowId, limit);
    }
}
