package dev.runloom.flows.batches;

import dev.runloom.common.jdbc.Sql;
import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.GenericRepository;

import java.util.Collection;

/**
 * The {@code batch_pending_work} table: chunks of a large batch's work items waiting to be moved to
 * the outbox ({@link BatchFanOut}).
 */
@JdbcRepository(dialect = Dialect.POSTGRES)
public abstract class BatchPendingWorkRepository implements GenericRepository<Batch, String> {
    /**
     * For {@code Outbox.appendSelected}: takes (deletes) the oldest chunk no other transaction holds.
     * Bind: none.
     */
    static final String TAKE_OLDEST_CHUNK = """
            chunk AS (
                DELETE FROM batch_pending_work
                WHERE id = (SELECT id FROM batch_pending_work ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED)
                RETURNING organization_id, batch_id, event_ids, record_ids, payloads)""";

    /** For {@code Outbox.appendSelected}: the taken chunk's work items as outbox events, in order. Bind: the event type. */
    static final String WORK_ITEMS_OF_CHUNK = """
            SELECT w.event_id AS id, ?::text AS type, w.record_id AS key, chunk.batch_id AS subject,
                   chunk.organization_id, w.payload
            FROM chunk, unnest(chunk.event_ids, chunk.record_ids, chunk.payloads) WITH ORDINALITY
                AS w(event_id, record_id, payload, n)
            ORDER BY w.n""";

    private final Sql sql;

    protected BatchPendingWorkRepository(Sql sql) {
        this.sql = sql;
    }

    /** A chunk of work items: event ids, keys (record ids) and payloads (JSON), index by index. */
    public record Chunk(String organizationId, String batchId, String[] eventIds, String[] recordIds, String[] payloads) {
    }

    public void add(Collection<Chunk> chunks) {
        sql.batch("""
                INSERT INTO batch_pending_work (organization_id, batch_id, event_ids, record_ids, payloads)
                VALUES (?, ?, ?, ?, ?)""", chunks,
                c -> new Object[]{c.organizationId(), c.batchId(), c.eventIds(), c.recordIds(), c.payloads()});
    }

    /** A cancelled batch's chunks still waiting: they would only be skipped by the workers. */
    public int drop(String organizationId, String batchId) {
        return sql.update("DELETE FROM batch_pending_work WHERE organization_id = ? AND batch_id = ?",
                organizationId, batchId);
    }
}
