package dev.runloom.flows.batches;

import dev.runloom.kernel.events.EventTypes;
import dev.runloom.common.id.Ids;
import dev.runloom.kernel.inbox.IncomingEvent;
import dev.runloom.kernel.inbox.PreparingHandler;
import dev.runloom.kernel.outbox.Outbox;
import dev.runloom.flows.engine.CompiledFlow;
import dev.runloom.flows.engine.CompiledFlows;
import dev.runloom.flows.engine.ExecutionOutcome;
import dev.runloom.flows.engine.ExecutionRecorder;
import dev.runloom.flows.engine.ExecutionScope;
import dev.runloom.flows.engine.FlowEngine;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.json.JsonMapper;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Runs a poll's worth of batch work items. The engine runs for each record outside any
 * transaction (model calls can be slow and must not pin a database connection); then, in the inbox
 * transaction, batched inserts of executions and step results, one counter UPDATE per batch, and —
 * for the poll that processes a batch's last record — the batch's completion and its event.
 */
@Singleton
public class BatchWorker implements PreparingHandler<ExecutionOutcome> {
    private static final Logger LOG = LoggerFactory.getLogger(BatchWorker.class);

    private final JsonMapper json;
    private final CompiledFlows compiledFlows;
    private final FlowEngine engine;
    private final ExecutionRecorder executions;
    private final BatchRepository batches;
    private final Outbox outbox;

    public BatchWorker(JsonMapper json, CompiledFlows compiledFlows, FlowEngine engine, ExecutionRecorder executions,
                       BatchRepository batches, Outbox outbox) {
        this.json = json;
        this.compiledFlows = compiledFlows;
        this.engine = engine;
        this.executions = executions;
        this.batches = batches;
        this.outbox = outbox;
    }

    /** Outside any transaction: runs the flow for the work item's record ({@code null}: not a work item). */
    @Override
    public @Nullable ExecutionOutcome prepare(IncomingEvent event) {
        if (!EventTypes.BATCH_RECORD_WORK.equals(event.type())) {
            LOG.warn("ignoring event {} of unexpected type {} on the batch work topic", event.id(), event.type());
            return null;
        }
        return run(event.payload(json, BatchRecordWork.class));
    }

    /** Inside the inbox transaction: records what {@link #prepare} computed. */
    @Override
    public void apply(List<Prepared<ExecutionOutcome>> prepared) {
        List<ExecutionOutcome> outcomes = new ArrayList<>(prepared.size());
        for (Prepared<ExecutionOutcome> p : prepared) {
            if (p.result() != null) {
                outcomes.add(p.result());
            }
        }
        executions.record(outcomes);

        Map<String, Progress> perBatch = new LinkedHashMap<>();
        for (ExecutionOutcome o : outcomes) {
            perBatch.computeIfAbsent(o.scope().batchId(), id -> new Progress(o.scope().organizationId())).add(o);
        }
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        perBatch.forEach((batchId, p) -> {
            Optional<Batch> updated = batches.addProgress(p.organizationId, batchId, p.processed, p.failed, p.cost);
            if (updated.isEmpty()) {
                LOG.warn("work items of unknown batch {} were run but not counted", batchId);
                return;
            }
            Batch batch = updated.get();
            if (batch.processedRecords() >= batch.totalRecords()) {
                batches.complete(p.organizationId, batchId, now).ifPresent(done -> {
                    outbox.append(BatchEvents.completed(done));
                    LOG.info("batch {} finished: {} of {} records failed", batchId, done.failedRecords(), done.totalRecords());
                });
            }
        });
    }

    private ExecutionOutcome run(BatchRecordWork work) {
        ExecutionScope scope = new ExecutionScope(work.organizationId(), work.userId(), work.batchId(), work.scheduleRunId());
        Optional<CompiledFlow> flow = compiledFlows.find(work.organizationId(), work.flowVersionId());
        if (flow.isPresent()) {
            return engine.run(flow.get(), scope, work.record());
        }
        // versions are never deleted while batches reference them; should it happen, the record fails
        // (and the batch still completes) rather than the work item being retried forever
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        return new ExecutionOutcome(Ids.newId("exec"), work.flowId(), work.flowId(), work.flowVersionId(), scope,
                work.record(), false, "Flow version '" + work.flowVersionId() + "' no longer exists", now, now, 0, 0, 0,
                0, 0, BigDecimal.ZERO, List.of(), List.of());
    }

    private static final class Progress {
        final String organizationId;
        int processed;
        int failed;
        BigDecimal cost = BigDecimal.ZERO;

        Progress(String organizationId) {
            this.organizationId = organizationId;
        }

        void add(ExecutionOutcome o) {
            processed++;
            if (!o.success()) {
                failed++;
            }
            cost = cost.add(o.totalCost());
        }
    }
}
