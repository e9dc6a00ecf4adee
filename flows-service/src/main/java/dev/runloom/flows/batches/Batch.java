package dev.runloom.flows.batches;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;

import java.math.BigDecimal;
import java.time.Instant;

/** One run of a flow over a set of records (table {@code batches}), with its progress counters and total cost. */
@MappedEntity("batches")
public record Batch(@Id String id,
                    String organizationId,
                    @Nullable String userId,
                    String flowId,
                    @Nullable String flowVersionId,
                    @Nullable String recordType,
                    @Nullable String scheduleRunId,
                    boolean executedImmediately,
                    String status,
                    int totalRecords,
                    int processedRecords,
                    int failedRecords,
                    BigDecimal totalCost,
                    @Nullable String error,
                    Instant startedAt,
                    @Nullable Instant completedAt) {

    public static final String QUEUED = "queued";
    public static final String RUNNING = "running";
    public static final String COMPLETED = "completed";
    public static final String PARTIAL = "partial";
    public static final String FAILED = "failed";
    /** Ended by {@code POST /v1/batch/:id/cancel}: finished, counters frozen, the rest never ran. */
    public static final String CANCELLED = "cancelled";
    /** Stopped before starting more records because the organization's budget is spent (Runloom extension). */
    public static final String PAUSED_BUDGET = "paused_budget";

    /** The status of a finished batch: failed when every record failed, partial when some did. */
    public static String finalStatus(int total, int failed) {
        if (failed == 0) {
            return COMPLETED;
        }
        return failed >= total ? FAILED : PARTIAL;
    }

    /** As read back from NUMERIC(24,10): without the ten decimals' trailing zeros, which say nothing. */
    Batch withCostStripped() {
        return new Batch(id, organizationId, userId, flowId, flowVersionId, recordType, scheduleRunId,
                executedImmediately, status, totalRecords, processedRecords, failedRecords,
                totalCost.stripTrailingZeros(), error, startedAt, completedAt);
    }

    public boolean finished() {
        return completedAt != null;
    }

    /** The records a cancel left unrun; 0 unless cancelled. */
    public int cancelledRecords() {
        return CANCELLED.equals(status) ? Math.max(0, totalRecords - processedRecords) : 0;
    }

    public int successCount() {
        return processedRecords - failedRecords;
    }

    /** 0–100, whole percent; a finished batch is at 100 even when it had no records, a cancelled one where it stopped. */
    public int progress() {
        return progress(status, totalRecords, processedRecords, completedAt);
    }

    static int progress(String status, int totalRecords, int processedRecords, @Nullable Instant completedAt) {
        boolean cancelled = CANCELLED.equals(status);
        if (completedAt != null && !cancelled) {
            return 100;
        }
        if (totalRecords == 0) {
            return cancelled ? 100 : 0;
        }
        return (int) Math.min(100, (long) processedRecords * 100 / totalRecords);
    }
}
