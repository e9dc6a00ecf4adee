package dev.runloom.flows.batches;

import dev.runloom.flows.recordsource.RecordsClient;
import io.micronaut.core.annotation.Nullable;

import java.util.ArrayList;
import java.util.List;

/**
 * How a batch runs: a schedule's {@code executionOptions}, checked, with today's behaviour for every
 * option left out. What each one does here:
 * <ul>
 *   <li>{@code chunkSize} (1–2000, default 1000): the page size of the batch's read of the records of
 *       its type from records-service ({@code limit} of {@code GET /internal/records}; 2000 is that
 *       endpoint's maximum). It does NOT split the queuing: the batch row, its started event and all
 *       its work items are one transaction, so a crash never leaves a batch that waits for work items
 *       that were never queued.</li>
 *   <li>{@code recordConcurrency} (1–64, default 1): how many records of the batch one worker thread
 *       runs at once; results are still recorded in delivery order. See {@link BatchRecordRunner}.</li>
 *   <li>{@code progressFlushSize} (1–10000): checked, but it cannot apply. The counters are updated
 *       once per poll of work items, in the same transaction that records those records' executions
 *       and marks the work items consumed; that is what keeps the counters equal to the recorded
 *       results at every moment a client can read them. Flushing every N records inside a poll would
 *       need the kernel to apply one poll in several transactions; flushing less often than a poll
 *       would make the counters lag behind the recorded executions.</li>
 *   <li>{@code timeoutMs} (1–3600000, default none): the longest one attempt of one record may run;
 *       a longer one fails with {@code record execution timed out after <n>ms} and the batch goes on.</li>
 *   <li>{@code maxRetries} (0–10, default 0): how many times a record whose execution failed (a step
 *       failed, or it timed out) is run again before it counts as failed; every attempt's step results
 *       are kept, with their {@code retryCount}.</li>
 * </ul>
 */
public record BatchOptions(int chunkSize, int recordConcurrency, @Nullable Integer progressFlushSize,
                           @Nullable Long timeoutMs, int maxRetries) {
    public static final int MAX_CHUNK_SIZE = 2000;
    public static final int MAX_RECORD_CONCURRENCY = 64;
    public static final int MAX_PROGRESS_FLUSH_SIZE = 10_000;
    public static final long MAX_TIMEOUT_MS = 3_600_000;
    public static final int MAX_RETRIES = 10;

    /** Today's behaviour: pages of 1000, one record at a time, no timeout, no retry. */
    public static final BatchOptions DEFAULTS = new BatchOptions(RecordsClient.DEFAULT_PAGE_SIZE, 1, null, null, 0);

    /**
     * The options as given, absent ones at their defaults.
     *
     * @throws InvalidBatchOptions naming every option out of its range
     */
    public static BatchOptions of(@Nullable Integer chunkSize, @Nullable Integer recordConcurrency,
                                  @Nullable Integer progressFlushSize, @Nullable Long timeoutMs,
                                  @Nullable Integer maxRetries) {
        List<String> problems = new ArrayList<>();
        check(problems, "chunkSize", chunkSize, 1, MAX_CHUNK_SIZE);
        check(problems, "recordConcurrency", recordConcurrency, 1, MAX_RECORD_CONCURRENCY);
        check(problems, "progressFlushSize", progressFlushSize, 1, MAX_PROGRESS_FLUSH_SIZE);
        check(problems, "timeoutMs", timeoutMs, 1, MAX_TIMEOUT_MS);
        check(problems, "maxRetries", maxRetries, 0, MAX_RETRIES);
        if (!problems.isEmpty()) {
            throw new InvalidBatchOptions("Invalid executionOptions: " + String.join("; ", problems));
        }
        return new BatchOptions(chunkSize == null ? DEFAULTS.chunkSize : chunkSize,
                recordConcurrency == null ? DEFAULTS.recordConcurrency : recordConcurrency, progressFlushSize,
                timeoutMs, maxRetries == null ? DEFAULTS.maxRetries : maxRetries);
    }

    /** What the batch's workers need to know, carried by each work item. */
    BatchRecordWork.Options forWorkers() {
        return new BatchRecordWork.Options(recordConcurrency, timeoutMs, maxRetries);
    }

    private static void check(List<String> problems, String name, @Nullable Number value, long min, long max) {
        if (value != null && (value.longValue() < min || value.longValue() > max)) {
            problems.add(name + " must be between " + min + " and " + max + " (was " + value + ")");
        }
    }

    /** Options out of range: the batch cannot start. */
    public static final class InvalidBatchOptions extends IllegalArgumentException {
        public InvalidBatchOptions(String message) {
            super(message);
        }
    }
}
