package dev.runloom.flows.batches;

import dev.runloom.flows.engine.CompiledFlow;
import dev.runloom.flows.engine.ExecutionScope;
import dev.runloom.flows.engine.FlowEngine;
import dev.runloom.flows.engine.FlowExecutionOutcome;
import dev.runloom.flows.engine.RecordExecution;
import dev.runloom.flows.recordsource.SourceRecord;
import io.micronaut.context.annotation.Value;
import io.micronaut.core.annotation.Nullable;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs a work item's record under its batch's options, for the {@link BatchWorker}'s prepare phase.
 *
 * <ul>
 *   <li><b>maxRetries</b>: a failed attempt (a step failed, or it timed out) is run again, up to
 *       {@code maxRetries} times, immediately, as the same execution (see {@link RecordExecution}).</li>
 *   <li><b>timeoutMs</b>: counted from the start of each attempt. When it passes, the attempt is
 *       abandoned: it fails with {@code record execution timed out after <n>ms} at once, and the thread
 *       running it finishes the step underway and starts no other (Liquid and model calls cannot be
 *       stopped mid-step; Liquid is bounded by its iteration and size limits, model calls by their
 *       HTTP timeouts).</li>
 *   <li><b>recordConcurrency</b>: the Inbox calls the preparer for one event after the other on the
 *       consumer thread, so up to N records of a batch run at once by starting each on the record
 *       threads and returning its pending outcome; before starting another, the consumer thread waits
 *       until fewer than N of that batch are under way (per consumer thread: each owns its
 *       partitions). The kernel ({@code prepareAsyncThenApply}) waits for the last of them outside
 *       any transaction; then the worker's applier takes the outcomes in delivery order.</li>
 * </ul>
 * With the defaults (one at a time, no timeout) a record runs on the consumer thread itself, as it
 * always did; the record threads are used only when an option needs another thread.
 */
@Singleton
public class BatchRecordRunner {
    private static final Logger LOG = LoggerFactory.getLogger(BatchRecordRunner.class);

    private final FlowEngine engine;
    private final ThreadPoolExecutor recordThreads;
    private final ScheduledExecutorService timeouts;
    /** What an aborted record's step and execution say. */
    static final String CANCELLED = "batch cancelled";
    static final int MAX_ABORTED_REMEMBERED = 10_000;
    /** Attempts under way on this replica, by batch id: what a cancel aborts. */
    private final Map<String, Set<Running>> running = new ConcurrentHashMap<>();
    /** Batches cancelled (seen here): none of their attempts starts or is retried. */
    private final Set<String> aborted = ConcurrentHashMap.newKeySet();
    /** Per consumer thread: the pending records of each batch it started and has not seen finish. */
    private final ThreadLocal<Map<String, ArrayDeque<CompletableFuture<FlowExecutionOutcome>>>> underway =
            ThreadLocal.withInitial(HashMap::new);

    public BatchRecordRunner(FlowEngine engine, @Value("${runloom.flows.record-threads:64}") int threads) {
        this.engine = engine;
        AtomicInteger count = new AtomicInteger();
        this.recordThreads = new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                r -> Thread.ofPlatform().daemon().name("flows-record-" + count.incrementAndGet()).unstarted(r));
        this.recordThreads.allowCoreThreadTimeOut(true);
        this.timeouts = Executors.newSingleThreadScheduledExecutor(
                r -> Thread.ofPlatform().daemon().name("flows-record-timeouts").unstarted(r));
    }

    /**
     * Starts the record's execution; the future completes with its outcome after the last attempt.
     * Returns once the record may run beside the others of its batch (see the class comment).
     */
    public CompletableFuture<FlowExecutionOutcome> start(CompiledFlow flow, ExecutionScope scope, SourceRecord record,
                                                         BatchRecordWork.Options options) {
        return start(flow, scope, record, options, null);
    }

    /** As {@link #start(CompiledFlow, ExecutionScope, SourceRecord, BatchRecordWork.Options)}, resuming a replayed record. */
    public CompletableFuture<FlowExecutionOutcome> start(CompiledFlow flow, ExecutionScope scope, SourceRecord record,
                                                         BatchRecordWork.Options options,
                                                         RecordExecution.@Nullable Resume resume) {
        boolean concurrent = options.recordConcurrency() > 1;
        String batchKey = String.valueOf(scope.batchId());
        if (concurrent) {
            awaitRoom(batchKey, options.recordConcurrency());
        }
        Executor executor = concurrent || options.timeoutMs() != null ? recordThreads : Runnable::run;
        CompletableFuture<FlowExecutionOutcome> outcome = attempt(engine.start(flow, scope, record, resume), scope, options, executor);
        if (concurrent) {
            underway.get().computeIfAbsent(batchKey, k -> new ArrayDeque<>()).add(outcome);
        } else {
            outcome.exceptionally(e -> null).join(); // one at a time: done before the next record starts
        }
        return outcome;
    }

    private CompletableFuture<FlowExecutionOutcome> attempt(RecordExecution execution, ExecutionScope scope,
                                                            BatchRecordWork.Options options, Executor executor) {
        CompletableFuture<Void> ended = new CompletableFuture<>();
        RecordExecution.Attempt attempt = execution.newAttempt();
        String batchKey = String.valueOf(scope.batchId());
        executor.execute(() -> {
            ScheduledFuture<?> timer = null;
            if (options.timeoutMs() != null) {
                long timeoutMs = options.timeoutMs();
                timer = timeouts.schedule(() -> {
                    if (attempt.abandon("record execution timed out after " + timeoutMs + "ms")) {
                        ended.complete(null);
                    }
                }, timeoutMs, TimeUnit.MILLISECONDS);
            }
            Running running = new Running(attempt, ended, Thread.currentThread(), scope.organizationId());
            register(batchKey, running);
            try {
                if (aborted.contains(batchKey)) {
                    running.abort(CANCELLED); // cancelled between the worker's check and now: nothing runs
                }
                attempt.run();
                if (timer != null) {
                    timer.cancel(false);
                }
                ended.complete(null);
            } catch (Throwable e) { // a StackOverflowError from a pathological template too: the event's fault
                if (timer != null) {
                    timer.cancel(false);
                }
                ended.completeExceptionally(e);
            } finally {
                unregister(batchKey, running);
                if (running.end()) {
                    // the abort interrupted this thread (it may be a consumer thread): the flag must not outlive the record
                    Thread.interrupted();
                }
            }
        });
        return ended.thenCompose(done -> {
            if (execution.failed() && attempt.retryCount() < options.maxRetries() && !aborted.contains(batchKey)) {
                LOG.debug("record execution failed (attempt {} of {}); retrying", attempt.retryCount() + 1,
                        options.maxRetries() + 1);
                return attempt(execution, scope, options, executor);
            }
            return CompletableFuture.completedFuture(execution.finish());
        });
    }

    /**
     * The batch was cancelled: every attempt of it under way on this replica ends now — abandoned (the
     * step underway recorded as failed with "batch cancelled", no further step starts) and its thread
     * interrupted, which aborts a model call in flight (the provider's HTTP exchange is cancelled, the
     * connection closed) and a retry's wait; no attempt of it is retried or started here afterwards.
     * The records' outcomes are then dropped by {@link BatchService#recordWorkDone} (the batch is cancelled).
     * Idempotent.
     *
     * @return how many attempts under way were aborted
     */
    public int abortBatch(String batchId) {
        if (aborted.size() > MAX_ABORTED_REMEMBERED) {
            aborted.clear(); // only saves work: the database still says the batch is cancelled
        }
        aborted.add(batchId);
        int n = 0;
        for (Running running : running.getOrDefault(batchId, Set.of())) {
            if (running.abort(CANCELLED)) {
                n++;
            }
        }
        if (n > 0) {
            LOG.info("batch {} cancelled: aborted {} record(s) under way on this replica", batchId, n);
        }
        return n;
    }

    /** The batches (id → organization) with records under way on this replica: what the cancel watcher checks. */
    public Map<String, String> batchesUnderway() {
        Map<String, String> batches = new HashMap<>();
        running.forEach((batchId, attempts) -> attempts.stream().findAny()
                .ifPresent(r -> batches.put(batchId, r.organizationId)));
        return batches;
    }

    private void register(String batchKey, Running r) {
        running.computeIfAbsent(batchKey, k -> ConcurrentHashMap.newKeySet()).add(r);
    }

    private void unregister(String batchKey, Running r) {
        running.computeIfPresent(batchKey, (k, set) -> {
            set.remove(r);
            return set.isEmpty() ? null : set;
        });
    }

    /**
     * One attempt on its thread. The abort and the end of the attempt are ordered by this object's
     * monitor, so a thread is only ever interrupted while it still runs the attempt, and the thread
     * clears the flag after it ended ({@link #end}).
     */
    private static final class Running {
        final RecordExecution.Attempt attempt;
        final CompletableFuture<Void> ended;
        final Thread thread;
        final String organizationId;
        private boolean done;
        private boolean interrupted;

        Running(RecordExecution.Attempt attempt, CompletableFuture<Void> ended, Thread thread, String organizationId) {
            this.attempt = attempt;
            this.ended = ended;
            this.thread = thread;
            this.organizationId = organizationId;
        }

        synchronized boolean abort(String why) {
            if (done || interrupted || !attempt.abandon(why)) {
                return false;
            }
            ended.complete(null);
            interrupted = true;
            thread.interrupt();
            return true;
        }

        /** @return whether this attempt's thread was interrupted by an abort */
        synchronized boolean end() {
            done = true;
            return interrupted;
        }
    }

    /** Waits until fewer than {@code concurrency} records of the batch this thread started are under way. */
    private void awaitRoom(String batchKey, int concurrency) {
        Map<String, ArrayDeque<CompletableFuture<FlowExecutionOutcome>>> mine = underway.get();
        ArrayDeque<CompletableFuture<FlowExecutionOutcome>> pending = mine.get(batchKey);
        if (pending == null) {
            return;
        }
        pending.removeIf(CompletableFuture::isDone);
        while (pending.size() >= concurrency) {
            CompletableFuture.anyOf(pending.toArray(CompletableFuture[]::new)).exceptionally(e -> null).join();
            pending.removeIf(CompletableFuture::isDone);
        }
        forgetFinished();
    }

    /**
     * On a consumer thread, once its poll's outcomes were taken: forgets the records of this thread
     * that finished, so what it holds is only what is still under way.
     */
    void forgetFinished() {
        underway.get().values().removeIf(pending -> {
            pending.removeIf(CompletableFuture::isDone);
            return pending.isEmpty();
        });
    }

    /** Records already started still finish (a consumer thread may be waiting for them); no new ones start. */
    @PreDestroy
    void stop() {
        recordThreads.shutdown();
        timeouts.shutdown();
    }
}
