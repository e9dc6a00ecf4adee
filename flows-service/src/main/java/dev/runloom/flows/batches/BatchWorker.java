package dev.runloom.flows.batches;

import dev.runloom.flows.engine.CompiledFlow;
import dev.runloom.flows.engine.CompiledFlows;
import dev.runloom.flows.engine.ExecutionScope;
import dev.runloom.flows.engine.FlowExecutionOutcome;
import dev.runloom.flows.flow.FlowService;
import dev.runloom.kernel.consumer.EventSubscriber;
import dev.runloom.kernel.consumer.Received;
import dev.runloom.kernel.consumer.Subscription;
import dev.runloom.kernel.consumer.Subscription.Prepared;
import io.micronaut.context.annotation.Value;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Runs the work items of fanned-out batches, a poll at a time; every replica joins the group, so work
 * spreads by partition. The flow runs for each record outside any transaction (model calls can be
 * slow and must not pin a database connection), under its batch's options — retries, timeout, and
 * several records at once ({@link BatchRecordRunner}); then, in the inbox transaction, the poll's
 * executions are recorded in delivery order and counted toward their batches
 * ({@link BatchService#recordWorkDone}).
 *
 * <p>A work item that cannot be processed at all is dead-lettered by the kernel; it then still
 * counts toward its batch as a failed record, with the reason as its error, so the batch completes
 * instead of waiting forever for its last record.
 */
@Singleton
public class BatchWorker implements EventSubscriber {
    private static final Logger LOG = LoggerFactory.getLogger(BatchWorker.class);
    /** An error is stored and published; a dead-letter reason is any exception's message, so it is bounded. */
    static final int MAX_ERROR_LENGTH = 2000;

    private final CompiledFlows compiledFlows;
    private final BatchRecordRunner runner;
    private final FlowService flows;
    private final BatchService batches;
    private final CancelledBatches cancelled;
    private final BatchParking parking;
    private final int threads;

    public BatchWorker(CompiledFlows compiledFlows, BatchRecordRunner runner, FlowService flows, BatchService batches,
                       CancelledBatches cancelled, BatchParking parking,
                       @Value("${runloom.flows.batch-work-threads:2}") int threads) {
        this.parking = parking;
        this.compiledFlows = compiledFlows;
        this.runner = runner;
        this.flows = flows;
        this.batches = batches;
        this.cancelled = cancelled;
        this.threads = threads;
    }

    @Override
    public Subscription subscription() {
        return Subscription.consumer("flows-service.batch-work")
                .threads(threads)
                .prepareAsyncThenApply(BatchWorkEvents.BATCH_RECORD_WORK, this::run, this::record)
                .onDeadLetter(BatchWorkEvents.BATCH_RECORD_WORK, this::countDeadLettered)
                .build();
    }

    /**
     * Outside any transaction: starts the flow for the work item's record. The outcome is pending
     * while the record runs beside others of its batch ({@code recordConcurrency} above 1); otherwise
     * it is already there. A work item of a cancelled batch is skipped: its outcome is null.
     */
    CompletableFuture<FlowExecutionOutcome> run(Received<BatchRecordWork> event) {
        BatchRecordWork work = event.payload();
        if (cancelled.isCancelled(work.organizationId(), work.batchId())) {
            return CompletableFuture.completedFuture(null);
        }
        if (!parking.mayStart(work.organizationId())) {
            // the budget is spent: not started; record() parks it (no outcome) and pauses the batch
            return CompletableFuture.completedFuture(null);
        }
        Optional<CompiledFlow> flow = compiledFlows.find(work.organizationId(), work.flowVersionId());
        if (flow.isEmpty()) {
            // versions are never deleted while batches reference them; should it happen, the record fails
            // (and the batch still completes) rather than the work item being retried forever
            return CompletableFuture.completedFuture(FlowExecutionOutcome.failedWithoutRunning(work.flowId(),
                    work.flowId(), work.flowVersionId(), scope(work), work.record(),
                    "Flow version '" + work.flowVersionId() + "' no longer exists", now()));
        }
        // a run that throws (a step's failure is an outcome, not this) completes the future exceptionally:
        // the kernel dead-letters the item, and a StackOverflowError from a pathological template is its fault too
        return runner.start(flow.get(), scope(work), work.record(), work.optionsOrDefaults());
    }

    /**
     * Inside the inbox transaction: records what {@link #run} computed, in delivery order. The kernel
     * has already waited — outside the transaction — for the records of the poll that ran beside each
     * other, so no database connection is held while a record runs.
     */
    void record(List<Prepared<BatchRecordWork, FlowExecutionOutcome>> prepared) {
        runner.forgetFinished();
        // skipped work items (cancelled batches, budget spent) have no outcome; those of batches not
        // cancelled were held back by the budget and are parked until the batch resumes
        List<BatchRecordWork> notStarted = prepared.stream().filter(p -> p.result() == null)
                .map(p -> p.event().payload()).toList();
        if (!notStarted.isEmpty()) {
            parking.park(notStarted);
        }
        batches.recordWorkDone(prepared.stream().map(Prepared::result).filter(Objects::nonNull).toList());
    }

    /**
     * Inside the transaction that marks the work item dead-lettered: the record becomes a failed
     * execution (row and {@code RecordExecutionCompletedV1}, as any failed record) and counts toward
     * its batch, completing it when it was the last one.
     */
    void countDeadLettered(Received<BatchRecordWork> event, String reason) {
        BatchRecordWork work = event.payload();
        String flowName = flows.findName(work.organizationId(), work.flowId()).orElse(work.flowId());
        LOG.warn("work item {} of batch {} (record {}) was dead-lettered; counted as a failed record: {}",
                event.id(), work.batchId(), work.record().id(), reason);
        batches.recordWorkDone(List.of(FlowExecutionOutcome.failedWithoutRunning(work.flowId(), flowName,
                work.flowVersionId(), scope(work), work.record(), storable(reason), now())));
    }

    /** PostgreSQL text cannot hold NUL, and a reason may quote the very value that was refused. */
    static String storable(String reason) {
        String text = reason.replace('\u0000', '\uFFFD');
        return text.length() <= MAX_ERROR_LENGTH ? text : text.substring(0, MAX_ERROR_LENGTH - 1) + "…";
    }

    private static ExecutionScope scope(BatchRecordWork work) {
        return new ExecutionScope(work.organizationId(), work.userId(), work.batchId(), work.scheduleRunId(),
                work.inputs() == null ? Map.of() : work.inputs());
    }

    private static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MILLIS);
    }
}
