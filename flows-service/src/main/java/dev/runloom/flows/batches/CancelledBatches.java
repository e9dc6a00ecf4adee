package dev.runloom.flows.batches;

import io.micronaut.context.annotation.Value;
import io.micronaut.scheduling.annotation.Scheduled;
import jakarta.inject.Singleton;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the batch workers ask before running a work item: was its batch cancelled? Read from the
 * database (a cancel may have happened on another replica) at most every {@code recheck-ms} per
 * batch, so ten thousand work items cost a handful of reads; a cancelled batch is remembered.
 *
 * <p>This only saves the work: exactness does not depend on it. A record that still runs after the
 * cancel (read just before it, or under way) is dropped when its poll is recorded
 * ({@link BatchService#recordWorkDone}), behind the cancel's row lock.
 */
@Singleton
public class CancelledBatches {
    /** Batches remembered at most; past it the memory starts over (a re-read is all it costs). */
    static final int MAX_REMEMBERED = 10_000;

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(CancelledBatches.class);

    private final BatchService batches;
    private final BatchRecordRunner runner;
    private final long recheckNanos;
    private final Set<String> cancelled = ConcurrentHashMap.newKeySet();
    private final Map<String, Long> runningCheckedAt = new ConcurrentHashMap<>();

    public CancelledBatches(BatchService batches, BatchRecordRunner runner,
                            @Value("${runloom.flows.cancel-recheck-ms:250}") long recheckMs) {
        this.batches = batches;
        this.runner = runner;
        this.recheckNanos = recheckMs * 1_000_000;
    }

    public boolean isCancelled(String organizationId, String batchId) {
        if (cancelled.contains(batchId)) {
            return true;
        }
        long now = System.nanoTime();
        Long checkedAt = runningCheckedAt.get(batchId);
        if (checkedAt != null && now - checkedAt < recheckNanos) {
            return false;
        }
        boolean isCancelled = batches.isCancelled(organizationId, batchId);
        forgetAllIfFull();
        if (isCancelled) {
            cancelled.add(batchId);
            runningCheckedAt.remove(batchId);
        } else {
            runningCheckedAt.put(batchId, now);
        }
        return isCancelled;
    }

    /**
     * This replica cancelled it: its own workers need not wait for the next re-read, and its records
     * under way are aborted now (their model calls too).
     */
    void cancelledHere(String batchId) {
        forgetAllIfFull();
        cancelled.add(batchId);
        runningCheckedAt.remove(batchId);
        runner.abortBatch(batchId);
    }

    /**
     * The cancel watcher: a batch cancelled on another replica has its records under way here aborted
     * within about {@code cancel-watch-interval} + {@code cancel-recheck-ms} (one cheap read per batch
     * under way, at most every recheck).
     */
    @Scheduled(fixedDelay = "${runloom.flows.cancel-watch-interval:250ms}", initialDelay = "1s")
    void abortCancelledUnderway() {
        for (Map.Entry<String, String> batch : runner.batchesUnderway().entrySet()) {
            try {
                if (isCancelled(batch.getValue(), batch.getKey())) {
                    runner.abortBatch(batch.getKey());
                }
            } catch (RuntimeException e) { // the database may be away for a moment: the next round asks again
                LOG.debug("cannot check whether batch {} was cancelled: {}", batch.getKey(), e.toString());
            }
        }
    }

    private void forgetAllIfFull() {
        if (cancelled.size() + runningCheckedAt.size() > MAX_REMEMBERED) {
            cancelled.clear();
            runningCheckedAt.clear();
        }
    }
}
