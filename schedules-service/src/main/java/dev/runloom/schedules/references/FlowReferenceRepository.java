package dev.runloom.schedules.references;

import dev.runloom.common.jdbc.Sql;
import dev.runloom.kernel.references.FlowReferrers;
import dev.runloom.schedules.schedule.Schedule;
import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.GenericRepository;

import java.util.List;

/** The schedules that target a flow, oldest first; filtered by organization. */
@JdbcRepository(dialect = Dialect.POSTGRES)
public abstract class FlowReferenceRepository implements GenericRepository<Schedule, String> {
    private final Sql sql;

    protected FlowReferenceRepository(Sql sql) {
        this.sql = sql;
    }

    public List<FlowReferrers.Referrer> schedulesOfFlow(String organizationId, String flowId, int limit) {
        return sql.list("""
                        SELECT id, name FROM schedules WHERE organization_id = ? AND flow_id = ?
                        ORDER BY created_at, id LIMIT ?""",
                row -> new FlowReferrers.Referrer(row.string("id"), row.string("name")), organizationId, flowId, limit);
    }
}
