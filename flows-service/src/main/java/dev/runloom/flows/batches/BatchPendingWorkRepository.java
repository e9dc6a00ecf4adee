package dev.runloom.flows.batches;

import dev.runloom.common.jdbc.Row;
import dev.runloom.common.jdbc.Sql;
import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.GenericRepository;

import java.sql.SQLException;
import java.util.Collection;
import java.util.Optional;

/**
 * The {@code batch_pending_work} table: chunks of a large batch's work items waiting to be published
 * ({@link BatchFanOut}).
 */
@JdbcRepository(dialect = Dialect.POSTGRES)
public abstract class BatchPendingWorkRepository implements GenericRepository<Batch, String> {
    private final Sql sql;

    protected BatchPendingWorkRepository(Sql sql) {
        this.sql = sql;
    }

    /** A chunk of work items: event ids, keys (record ids) and payloads (JSON), index by index. */
    public record Chunk(String organizationId, String batchId, String[] eventIds, String[] recordIds, String[] payloads) {
    }

    /** A chunk as stored, with its row id. */
    public record StoredChunk(long id, Chunk chunk) {
        static StoredChunk read(Row row) throws SQLException {
            return new StoredChunk(row.longValue("id"), new Chunk(row.string("organization_id"), row.string("batch_id"),
                    row.strings("event_ids"), row.strings("record_ids"), row.strings("payloads")));
        }
    }

    public void add(Collection<Chunk> chunks) {
        sql.batch("""
                INSERT INTO batch_pending_work (organization_id, batch_id, event_ids, record_ids, payloads)
                VALUES (?, ?, ?, ?, ?)""", chunks,
                c -> new Object[]{c.organizationId(), c.batchId(), c.eventIds(), c.recordIds(), c.payloads()});
    }

    /**
     * Locks the oldest chunk no other transaction holds ({@code SKIP LOCKED}: replicas publish different
     * chunks side by side); the caller deletes it, once published, in the same transaction.
     */
    public Optional<StoredChunk> lockOldest() {
        return sql.first("""
                SELECT id, organization_id, batch_id, event_ids, record_ids, payloads FROM batch_pending_work
                ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED""", StoredChunk::read);
    }

    public void delete(long id) {
        sql.update("DELETE FROM batch_pending_work WHERE id = ?", id);
    }

    /**
     * A cancelled batch's chunks still waiting: they would only be skipped by the workers. A chunk being
     * published at this moment is left to its publisher (its items are skipped like the others), so a
     * cancel never waits for the broker's acknowledgements.
     */
    public int drop(String organizationId, String batchId) {
        return sql.update("""
                DELETE FROM batch_pending_work WHERE id IN (
                    SELECT id FROM batch_pending_work WHERE organization_id = ? AND batch_id = ?
                    FOR UPDATE SKIP LOCKED)""", organizationId, batchId);
    }
}
