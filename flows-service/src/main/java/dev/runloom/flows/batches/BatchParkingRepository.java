package dev.runloom.flows.batches;

import dev.runloom.common.jdbc.Sql;
import io.micronaut.data.annotation.Query;
import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.GenericRepository;

import java.time.Instant;
import java.util.Collection;
import java.util.List;

/** {@code batch_parked_work} and the {@code paused_budget} transitions of {@code batches}. */
@JdbcRepository(dialect = Dialect.POSTGRES)
public abstract class BatchParkingRepository implements GenericRepository<Batch, String> {
    private final Sql sql;

    protected BatchParkingRepository(Sql sql) {
        this.sql = sql;
    }

    /** One parked work item, as JSON. */
    public record Parked(String organizationId, String batchId, String workJson) {
    }

    public void park(Collection<Parked> items, Instant at) {
        sql.batch("INSERT INTO batch_parked_work (organization_id, batch_id, work, parked_at) VALUES (?, ?, ?::jsonb, ?)",
                items, p -> new Object[]{p.organizationId(), p.batchId(), p.workJson(), at});
    }

    @Query("""
            UPDATE batches SET status = 'paused_budget'
            WHERE organization_id = :organizationId AND id = :id AND status IN ('queued', 'running')""")
    public abstract int markPaused(String organizationId, String id);

    @Query("""
            UPDATE batches SET status = 'running'
            WHERE organization_id = :organizationId AND id = :id AND status = 'paused_budget'""")
    public abstract int markResumed(String organizationId, String id);

    @Query("SELECT id FROM batches WHERE organization_id = :organizationId AND status = 'paused_budget'")
    public abstract List<String> findPausedIds(String organizationId);

    /** Takes (deletes and returns) the batch's parked work items, oldest first. */
    public List<String> take(String organizationId, String batchId) {
        return sql.list("""
                WITH taken AS (DELETE FROM batch_parked_work WHERE organization_id = ? AND batch_id = ? RETURNING id, work)
                SELECT work::text AS work FROM taken ORDER BY id""", row -> row.string("work"), organizationId, batchId);
    }
}
