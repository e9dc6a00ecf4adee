package dev.runloom.flows.batches;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.Query;
import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.GenericRepository;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Optional;

/** The {@code batches} table; every statement filters by organization. */
@JdbcRepository(dialect = Dialect.POSTGRES)
public abstract class BatchRepository implements GenericRepository<Batch, String> {

    @Query("""
            INSERT INTO batches (id, organization_id, user_id, flow_id, flow_version_id, record_type, schedule_run_id,
                                 executed_immediately, status, total_records, processed_records, failed_records,
                                 total_cost, error, started_at, completed_at)
            VALUES (:id, :organizationId, :userId, :flowId, :flowVersionId, :recordType, :scheduleRunId,
                    :executedImmediately, :status, :totalRecords, :processedRecords, :failedRecords,
                    :totalCost, :error, :startedAt, :completedAt)
            ON CONFLICT (id) DO NOTHING""")
    protected abstract int insertIfAbsent(String id, String organizationId, @Nullable String userId, String flowId,
                                          @Nullable String flowVersionId, @Nullable String recordType,
                                          @Nullable String scheduleRunId, boolean executedImmediately, String status,
                                          int totalRecords, int processedRecords, int failedRecords,
                                          BigDecimal totalCost, @Nullable String error, Instant startedAt,
                                          @Nullable Instant completedAt);

    /**
     * Inserts the batch unless one with its id exists (a schedule run's minted id, redelivered):
     * false then, and nothing is written. The unique id makes this safe against a concurrent insert.
     */
    public boolean insertIfAbsent(Batch b) {
        return insertIfAbsent(b.id(), b.organizationId(), b.userId(), b.flowId(), b.flowVersionId(), b.recordType(),
                b.scheduleRunId(), b.executedImmediately(), b.status(), b.totalRecords(), b.processedRecords(),
                b.failedRecords(), b.totalCost(), b.error(), b.startedAt(), b.completedAt()) > 0;
    }

    public abstract boolean existsByOrganizationIdAndId(String organizationId, String id);

    /** Whether a batch of the flow is still queued or running (its work items need the flow's versions). */
    @Query("""
            SELECT EXISTS (SELECT 1 FROM batches WHERE organization_id = :organizationId AND flow_id = :flowId
                                                   AND status IN ('queued', 'running', 'paused_budget'))""")
    public abstract boolean hasUnfinishedBatch(String organizationId, String flowId);

    protected abstract Optional<Batch> findByOrganizationIdAndId(String organizationId, String id);

    public Optional<Batch> find(String organizationId, String batchId) {
        return findByOrganizationIdAndId(organizationId, batchId).map(Batch::withCostStripped);
    }

    @Query("""
            UPDATE batches SET processed_records = processed_records + :processed,
                failed_records = failed_records + :failed, total_cost = total_cost + :cost,
                status = CASE WHEN status = 'queued' THEN 'running' ELSE status END
            WHERE organization_id = :organizationId AND id = :id AND status <> 'cancelled'""")
    protected abstract int incrementProgress(String organizationId, String id, int processed, int failed,
                                             BigDecimal cost);

    /**
     * Adds one poll's worth of finished records to the counters (one UPDATE per batch per poll) and
     * reads the result back; empty for an unknown or a cancelled batch (whose counters are frozen). The UPDATE's row lock, held to the end of the transaction, serialises
     * concurrent consumers, so exactly one of them sees the last record land.
     */
    public Optional<Batch> addProgress(String organizationId, String batchId, int processed, int failed,
                                       BigDecimal cost) {
        if (incrementProgress(organizationId, batchId, processed, failed, cost) == 0) {
            return Optional.empty();
        }
        return find(organizationId, batchId);
    }

    @Query("""
            UPDATE batches SET completed_at = :completedAt,
                status = CASE WHEN failed_records = 0 THEN 'completed'
                              WHEN failed_records >= total_records THEN 'failed' ELSE 'partial' END
            WHERE organization_id = :organizationId AND id = :id
              AND completed_at IS NULL AND processed_records >= total_records""")
    protected abstract int markCompleted(String organizationId, String id, Instant completedAt);

    /** Marks a batch whose every record was processed as finished; empty if it already was (or is not done). */
    public Optional<Batch> complete(String organizationId, String batchId, Instant completedAt) {
        if (markCompleted(organizationId, batchId, completedAt) == 0) {
            return Optional.empty();
        }
        return find(organizationId, batchId);
    }

    @Query("""
            UPDATE batches SET status = 'cancelled', completed_at = :completedAt
            WHERE organization_id = :organizationId AND id = :id AND completed_at IS NULL""")
    protected abstract int markCancelled(String organizationId, String id, Instant completedAt);

    /**
     * Ends an unfinished batch as cancelled. Its row lock orders it against {@link #addProgress}: a
     * poll's records either landed before (and count) or see the batch cancelled (and are dropped).
     *
     * @return whether this call cancelled it (false: unknown, or already finished or cancelled)
     */
    public boolean cancel(String organizationId, String batchId, Instant completedAt) {
        return markCancelled(organizationId, batchId, completedAt) > 0;
    }

    @Query("""
            SELECT EXISTS (SELECT 1 FROM batches WHERE organization_id = :organizationId AND id = :id
                                                   AND status = 'cancelled')""")
    public abstract boolean isCancelled(String organizationId, String id);
}
