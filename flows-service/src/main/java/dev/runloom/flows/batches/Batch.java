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

    public int successCount() {
        return processedRecords - failedRecords;
    }

    /** 0–100, whole percent; a finished batch is at 100 even when it had no records. */
    public int progress() {
        if (completedAt != null || totalRecords == 0) {
            return completedAt != null ? 100 : 0;
        }
        return (int) Math.min(100, (long) processedRecords * 100 / totalRecords);
    }
}
