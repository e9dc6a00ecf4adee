package dev.runloom.flows.batches;

import io.micronaut.context.annotation.Value;
import io.micronaut.context.event.StartupEvent;
import io.micronaut.runtime.event.annotation.EventListener;
import io.micronaut.transaction.annotation.TransactionalEventListener;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Publishes the chunks of work items that large batches queued ({@code batch_pending_work}), a chunk
 * per transaction ({@link BatchService#publishQueuedChunk}), so the request that queues 100,000
 * records commits in one short transaction and the workers start on the first chunk at once. Every
 * replica runs one; a chunk is locked with {@code SKIP LOCKED} and deleted once the broker has it, so
 * replicas share the chunks, and one that a dead replica left is published by the next round of any
 * other. Wakes right after a commit that queued chunks; polls slowly otherwise.
 */
@Singleton
public class BatchFanOut {
    private static final Logger LOG = LoggerFactory.getLogger(BatchFanOut.class);

    private final BatchService batches;
    private final long idlePollMillis;
    private final Semaphore wakeUps = new Semaphore(0);
    private volatile boolean running;
    private Thread thread;

    public BatchFanOut(BatchService batches, @Value("${runloom.flows.fan-out-idle-poll-ms:1000}") long idlePollMillis) {
        this.batches = batches;
        this.idlePollMillis = idlePollMillis;
    }

    @EventListener
    void onStartup(StartupEvent event) {
        running = true;
        thread = Thread.ofPlatform().daemon().name("batch-fan-out").start(this::loop);
    }

    @TransactionalEventListener(TransactionalEventListener.TransactionPhase.AFTER_COMMIT)
    void onQueued(PendingWorkQueued event) {
        wakeUps.release();
    }

    private void loop() {
        while (running) {
            try {
                while (running && batches.publishQueuedChunk() > 0) {
                    // chunk after chunk until none is left
                }
                wakeUps.tryAcquire(idlePollMillis, TimeUnit.MILLISECONDS);
                wakeUps.drainPermits();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                if (!running) {
                    return;
                }
                LOG.warn("publishing queued work items failed; they stay queued and are retried: {}", e.toString());
                sleepQuietly(1000);
            }
        }
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @PreDestroy
    void stop() throws InterruptedException {
        running = false;
        if (thread != null) {
            wakeUps.release();
            thread.join(5000);
        }
    }
}
