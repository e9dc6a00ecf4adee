package dev.runloom.flows.batches;

import dev.runloom.common.id.Ids;
import dev.runloom.common.jdbc.JsonColumns;
import dev.runloom.common.jdbc.Savepoints;
import dev.runloom.common.problem.ProblemException;
import dev.runloom.common.tenant.Tenant;
import dev.runloom.flows.engine.CompiledFlow;
import dev.runloom.flows.engine.FlowExecutionOutcome;
import dev.runloom.flows.execution.FlowExecutionRecorder;
import dev.runloom.flows.flow.FlowService;
import dev.runloom.flows.recordsource.SourceRecord;
import dev.runloom.kernel.events.OutgoingEvent;
import dev.runloom.kernel.events.TopicNames;
import dev.runloom.kernel.outbox.AcknowledgedPublisher;
import dev.runloom.kernel.outbox.Outbox;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.transaction.annotation.Transactional;
import io.micronaut.context.annotation.Value;
import io.micronaut.context.event.ApplicationEventPublisher;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.Optional;

/**
 * The state changes of a batch's life, each one transaction with the events announcing it: a batch
 * that ran in the request, a batch queued as work items, a batch that could not start, and the
 * records that batch workers finished. The slow work before them (reading records, running flows)
 * happens outside any transaction, in {@link BatchStarter} and {@link BatchWorker}.
 */
@Singleton
public class BatchService {
    private static final Logger LOG = LoggerFactory.getLogger(BatchService.class);

    private final BatchRepository batches;
    private final BatchReads reads;
    private final FlowExecutionRecorder executions;
    private final FlowService flows;
    private final Outbox outbox;
    private final Savepoints savepoints;
    private final BatchPendingWorkRepository pendingWork;
    private final JsonColumns json;
    private final ApplicationEventPublisher<PendingWorkQueued> pendingWorkQueued;
    private final AcknowledgedPublisher publisher;
    private final TopicNames topics;
    private final int fanOutChunk;

    public BatchService(BatchRepository batches, BatchReads reads, FlowExecutionRecorder executions,
                        FlowService flows, Outbox outbox, Savepoints savepoints, BatchPendingWorkRepository pendingWork,
                        JsonColumns json, ApplicationEventPublisher<PendingWorkQueued> pendingWorkQueued,
                        AcknowledgedPublisher publisher, TopicNames topics,
                        @Value("${runloom.flows.fan-out-chunk:1000}") int fanOutChunk) {
        this.publisher = publisher;
        this.topics = topics;
        this.savepoints = savepoints;
        this.pendingWork = pendingWork;
        this.json = json;
        this.pendingWorkQueued = pendingWorkQueued;
        this.fanOutChunk = fanOutChunk;
        this.batches = batches;
        this.reads = reads;
        this.executions = executions;
        this.flows = flows;
        this.outbox = outbox;
    }

    /** A batch that already ran in the request: the batch, its executions and all their events at once. */
    @Transactional
    public void saveFinished(Batch batch, String flowName, List<FlowExecutionOutcome> outcomes) {
        batches.insertIfAbsent(batch);
        executions.record(outcomes);
        outbox.appendAll(List.of(BatchEvents.started(batch, flowName), BatchEvents.completed(batch)));
        flows.markRun(batch.organizationId(), batch.flowId(), batch.startedAt());
    }

    /**
     * A batch to fan out: the batch row, its started event and one work item per record, appended
     * in one JDBC batch (ten thousand records are one transaction, not ten thousand). A batch
     * without records is finished at once. Each work item carries the batch's inputs and the options
     * its worker applies.
     *
     * @return empty when the request names a batch id that already exists (a redelivered schedule
     *         run): then nothing is written
     */
    /**
     * {@code POST /v1/batch/:id/replay}: a new batch of {@code flow}'s version over {@code records} of the
     * batch {@code replayOf}, each work item starting at {@code replay}'s step; linked to the old batch
     * ({@code batch_replays}). Queued like any fanned-out batch, in one transaction.
     */
    @Transactional
    public Batch queueReplay(Tenant tenant, CompiledFlow flow, @Nullable String recordType, List<SourceRecord> records,
                             BatchOptions options, BatchRecordWork.Replay replay) {
        Batch batch = queue(tenant.organizationId(), tenant.userId(), flow, recordType, records,
                new BatchRequest(null, null, Map.of(), options), replay).orElseThrow();
        batches.insertReplay(batch.id(), batch.organizationId(), replay.replayOf(), replay.fromIndex() + 1,
                flow.versionId());
        return batch;
    }

    /** The records a finished batch ran, as they were (a replay's records). */
    @Transactional(readOnly = true)
    public List<SourceRecord> executedRecords(String organizationId, String batchId) {
        return reads.executedRecords(organizationId, batchId);
    }

    /** For a replayed work item: the variables its record had in the old batch when the step started. */
    @Transactional(readOnly = true)
    public Optional<Map<String, Object>> variablesBefore(String organizationId, String batchId, String recordId,
                                                         String stepId) {
        return reads.variablesBefore(organizationId, batchId, recordId, stepId);
    }

    @Transactional
    public Optional<Batch> queue(String organizationId, @Nullable String userId, CompiledFlow flow, String recordType,
                                 List<SourceRecord> records, BatchRequest request) {
        return queue(organizationId, userId, flow, recordType, records, request, null);
    }

    private Optional<Batch> queue(String organizationId, @Nullable String userId, CompiledFlow flow,
                                  @Nullable String recordType, List<SourceRecord> records, BatchRequest request,
                                  BatchRecordWork.@Nullable Replay replay) {
        String batchId = request.batchId() != null ? request.batchId() : Ids.newId("batch");
        String scheduleRunId = request.scheduleRunId();
        Instant started = now();
        boolean empty = records.isEmpty();
        Batch batch = new Batch(batchId, organizationId, userId, flow.flowId(), flow.versionId(), recordType,
                scheduleRunId, false, empty ? Batch.COMPLETED : Batch.QUEUED, records.size(), 0, 0, BigDecimal.ZERO,
                null, started, empty ? started : null);
        if (!batches.insertIfAbsent(batch)) {
            LOG.info("batch {} already exists; schedule run {} was delivered again, nothing to start", batchId,
                    scheduleRunId);
            return Optional.empty();
        }
        Map<String, Object> inputs = request.inputs().isEmpty() ? null : request.inputs();
        BatchRecordWork.Options options = request.options().forWorkers();
        // the first chunk of work items goes to the outbox now, the rest waits in chunks for BatchFanOut:
        // workers start on the first records while the others are still being queued
        int direct = Math.min(records.size(), fanOutChunk);
        List<OutgoingEvent> events = new ArrayList<>(direct + 2);
        events.add(BatchEvents.started(batch, flow.flowName()));
        List<BatchPendingWorkRepository.Chunk> chunks = new ArrayList<>();
        for (int from = 0; from < records.size(); from += fanOutChunk) {
            List<SourceRecord> slice = records.subList(from, Math.min(records.size(), from + fanOutChunk));
            List<BatchRecordWork> work = slice.stream().map(record -> new BatchRecordWork(batchId, organizationId,
                    userId, flow.flowId(), flow.versionId(), scheduleRunId, record, inputs, options, replay)).toList();
            if (from == 0) {
                work.forEach(w -> events.add(BatchEvents.work(w)));
            } else {
                chunks.add(pendingChunk(organizationId, batchId, work));
            }
        }
        if (empty) {
            events.add(BatchEvents.completed(batch));
        }
        outbox.appendAll(events);
        if (!chunks.isEmpty()) {
            pendingWork.add(chunks);
            pendingWorkQueued.publishEvent(new PendingWorkQueued(chunks.size()));
        }
        flows.markRun(organizationId, flow.flowId(), started);
        LOG.info("batch {} of flow {} queued {} records{}", batchId, flow.flowId(), records.size(),
                scheduleRunId == null ? "" : " for schedule run " + scheduleRunId);
        return Optional.of(batch);
    }

    private BatchPendingWorkRepository.Chunk pendingChunk(String organizationId, String batchId,
                                                          List<BatchRecordWork> work) {
        return new BatchPendingWorkRepository.Chunk(organizationId, batchId,
                work.stream().map(w -> Ids.newId("evt")).toArray(String[]::new),
                work.stream().map(w -> w.record().id()).toArray(String[]::new),
                work.stream().map(json::text).toArray(String[]::new));
    }

    /**
     * Publishes the oldest chunk of queued work items no other replica is publishing, and deletes it
     * once the broker acknowledged every item, in one transaction. The items carry the event ids they
     * were queued with, so a chunk published again (the process died before the commit) is absorbed by
     * the workers' inbox. Published directly rather than through the outbox: the chunk row already is
     * the durable record of these events, and copying each item into an outbox row of its own, to be
     * claimed and deleted in turn, was a third of the outbox's work in a large batch.
     *
     * @return how many work items were published; 0 when no chunk is waiting
     */
    @Transactional
    public int publishQueuedChunk() {
        Optional<BatchPendingWorkRepository.StoredChunk> stored = pendingWork.lockOldest();
        if (stored.isEmpty()) {
            return 0;
        }
        BatchPendingWorkRepository.Chunk chunk = stored.get().chunk();
        String topic = topics.of(BatchWorkEvents.BATCH_WORK);
        Instant queued = now();
        List<AcknowledgedPublisher.StoredEvent> events = new ArrayList<>(chunk.eventIds().length);
        for (int i = 0; i < chunk.eventIds().length; i++) {
            events.add(new AcknowledgedPublisher.StoredEvent(chunk.eventIds()[i], topic, chunk.recordIds()[i],
                    BatchWorkEvents.BATCH_RECORD_WORK.type(), chunk.batchId(), chunk.organizationId(), null, Map.of(),
                    queued, chunk.payloads()[i]));
        }
        publisher.publishAll(events);
        pendingWork.delete(stored.get().id());
        return events.size();
    }

    /**
     * A batch that could not start (unknown flow, invalid options …): recorded as failed, and its end
     * announced. With a given {@code batchId} that already exists, nothing is written (redelivered).
     */
    @Transactional
    public Optional<Batch> failToStart(String organizationId, @Nullable String userId, String flowId,
                                       @Nullable String recordType, @Nullable String scheduleRunId,
                                       @Nullable String batchId, String error) {
        Instant now = now();
        Batch batch = new Batch(batchId != null ? batchId : Ids.newId("batch"), organizationId, userId, flowId, null,
                recordType, scheduleRunId, false, Batch.FAILED, 0, 0, 0, BigDecimal.ZERO, error, now, now);
        if (!batches.insertIfAbsent(batch)) {
            return Optional.empty();
        }
        outbox.append(BatchEvents.completed(batch));
        return Optional.of(batch);
    }

    /** Whether the organization has a batch with this id (a schedule run's batch was already started). */
    @Transactional(readOnly = true)
    public boolean exists(String organizationId, String batchId) {
        return batches.existsByOrganizationIdAndId(organizationId, batchId);
    }

    /**
     * Records finished work items of fanned-out batches, in the batch workers' (inbox) transaction:
     * their executions, one counter UPDATE per batch, and — for whoever lands a batch's last record —
     * the batch's completion and its event.
     *
     * <p>Recorded first, counted last: the counter UPDATE takes the batch row's lock, which every poll
     * of the batch takes (every consumer thread, every replica) and holds to its commit; taken last,
     * it is held for the commit only, not through the inserts, so the polls of one batch no longer
     * write one after the other. The lock still orders a poll against a cancel: when the UPDATE finds
     * the batch cancelled, the poll's executions of that batch are undone (a savepoint) and dropped.
     * Batches are counted in id order, so two polls never wait for each other's locks.
     */
    @Transactional
    public void recordWorkDone(List<FlowExecutionOutcome> outcomes) {
        Map<String, Progress> perBatch = new TreeMap<>();
        for (FlowExecutionOutcome o : outcomes) {
            perBatch.computeIfAbsent(o.scope().batchId(), id -> new Progress(o.scope().organizationId())).add(o);
        }
        Instant now = now();
        List<Batch> finished = new ArrayList<>();
        perBatch.forEach((batchId, p) -> savepoints.keepIf(() -> {
            executions.record(p.outcomes);
            Optional<Batch> updated = batches.addProgress(p.organizationId, batchId, p.processed, p.failed, p.cost);
            if (updated.isEmpty()) {
                if (batches.isCancelled(p.organizationId, batchId)) {
                    LOG.debug("{} records of cancelled batch {} finished after the cancel; not recorded",
                            p.outcomes.size(), batchId);
                    return false;
                }
                LOG.warn("work items of unknown batch {} were run but not counted", batchId);
                return true;
            }
            Batch batch = updated.get();
            if (batch.processedRecords() >= batch.totalRecords()) {
                batches.complete(p.organizationId, batchId, now).ifPresent(finished::add);
            }
            return true;
        }));
        // after the executions, so a batch's completed event follows its records' events, as it always did
        for (Batch done : finished) {
            outbox.append(BatchEvents.completed(done));
            LOG.info("batch {} finished: {} of {} records failed", done.id(), done.failedRecords(), done.totalRecords());
        }
    }

    /**
     * {@code POST /v1/batch/:id/cancel}: ends an unfinished batch as {@code cancelled} and announces
     * it with its completed event (status {@code cancelled}). Its queued work items are skipped by the
     * workers, and records under way when the cancel commits are not recorded, so the counters stay
     * what they are now. Cancelling a cancelled batch answers it again (idempotent).
     *
     * @throws ProblemException 404 when not the tenant's batch, 409 when it already finished otherwise
     */
    @Transactional
    public Batch cancel(Tenant tenant, String batchId) {
        String org = tenant.organizationId();
        if (batches.cancel(org, batchId, now())) {
            pendingWork.drop(org, batchId);
            Batch cancelled = batches.find(org, batchId).orElseThrow();
            outbox.append(BatchEvents.completed(cancelled));
            LOG.info("batch {} cancelled at {} of {} records", batchId, cancelled.processedRecords(),
                    cancelled.totalRecords());
            return cancelled;
        }
        Batch batch = batches.find(org, batchId).orElseThrow(() -> ProblemException.notFound("Batch", batchId));
        if (Batch.CANCELLED.equals(batch.status())) {
            return batch;
        }
        throw ProblemException.conflict("batch_finished",
                "Batch '" + batchId + "' already finished (" + batch.status() + "); only an unfinished batch can be cancelled");
    }

    /** For the workers: whether the batch was cancelled (its work items are then skipped). */
    @Transactional(readOnly = true)
    public boolean isCancelled(String organizationId, String batchId) {
        return batches.isCancelled(organizationId, batchId);
    }

    /** {@code GET /v1/batch/status/:id?includeResults=true}: the batch and a window of its record results. */
    @Transactional(readOnly = true)
    public List<BatchReads.ResultRow> results(Tenant tenant, String batchId, int limit, int offset) {
        return reads.results(tenant.organizationId(), batchId, limit, offset);
    }

    /** {@code GET /v1/batch/summary}: the organization's unfinished batches and those started since {@code since}. */
    @Transactional(readOnly = true)
    public BatchSummary summary(Tenant tenant, Instant since, int limit) {
        String org = tenant.organizationId();
        return new BatchSummary(reads.countActive(org), reads.active(org, limit), reads.countRecent(org, since),
                reads.recent(org, since, limit));
    }

    /** The counts and lists of a summary. */
    public record BatchSummary(long activeCount, List<BatchReads.SummaryRow> active, long recentCount,
                               List<BatchReads.SummaryRow> recent) {
    }

    /** @throws ProblemException 404 when the batch is not the tenant's or the record has no execution in it */
    @Transactional(readOnly = true)
    public BatchReads.RecordCost recordCost(Tenant tenant, String batchId, String recordId) {
        status(tenant, batchId);
        BatchReads.RecordCost cost = reads.recordCost(tenant.organizationId(), batchId, recordId);
        if (cost.executionCount() == 0) {
            throw ProblemException.notFound("Record in batch", recordId);
        }
        return cost;
    }

    /** @throws ProblemException 404 when the batch does not exist in the tenant's organization */
    @Transactional(readOnly = true)
    public Batch status(Tenant tenant, String batchId) {
        return batches.find(tenant.organizationId(), batchId).orElseThrow(() -> ProblemException.notFound("Batch", batchId));
    }

    private static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MILLIS);
    }

    /** What one poll finished of one batch. */
    private static final class Progress {
        final String organizationId;
        final List<FlowExecutionOutcome> outcomes = new ArrayList<>();
        int processed;
        int failed;
        BigDecimal cost = BigDecimal.ZERO;

        Progress(String organizationId) {
            this.organizationId = organizationId;
        }

        void add(FlowExecutionOutcome o) {
            outcomes.add(o);
            processed++;
            if (!o.success()) {
                failed++;
            }
            cost = cost.add(o.totalCost());
        }
    }
}
