package dev.runloom.flows.batches;

import dev.runloom.schedules.events.ScheduleRunRequestedV1;
import dev.runloom.common.id.Ids;
import dev.runloom.common.problem.ProblemException;
import dev.runloom.common.tenant.Tenant;
import dev.runloom.flows.engine.CompiledFlow;
import dev.runloom.flows.engine.CompiledFlows;
import dev.runloom.flows.engine.ExecutionOutcome;
import dev.runloom.flows.engine.ExecutionScope;
import dev.runloom.flows.engine.FlowEngine;
import dev.runloom.flows.flows.FlowRepository;
import dev.runloom.flows.flows.FlowWithSteps;
import dev.runloom.flows.records.RecordsClient;
import dev.runloom.flows.records.SourceRecord;
import io.micronaut.context.annotation.Value;
import io.micronaut.core.annotation.Nullable;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Starting batches. Records are read from records-service before any transaction opens (a slow
 * peer must not pin a database connection); small batches then run in the request, larger ones
 * are queued as one work item per record for any replica's batch workers.
 */
@Singleton
public class BatchService {
    private static final Logger LOG = LoggerFactory.getLogger(BatchService.class);
    static final int MAX_RECORD_TYPE_LENGTH = 255;
    /** What a schedule run's token may do on the owner's behalf: read the records it runs over. */
    private static final Set<String> SCHEDULE_SCOPES = Set.of("RECORDS:READ");

    private final FlowRepository flows;
    private final CompiledFlows compiledFlows;
    private final FlowEngine engine;
    private final RecordsClient records;
    private final BatchStore store;
    private final BatchRepository batches;
    private final int inlineLimit;

    public BatchService(FlowRepository flows, CompiledFlows compiledFlows, FlowEngine engine, RecordsClient records,
                        BatchStore store, BatchRepository batches,
                        @Value("${runloom.flows.inline-batch-limit:10}") int inlineLimit) {
        this.flows = flows;
        this.compiledFlows = compiledFlows;
        this.engine = engine;
        this.records = records;
        this.store = store;
        this.batches = batches;
        this.inlineLimit = inlineLimit;
    }

    /**
     * {@code POST /v1/flows/:id/run-on-record-type}.
     *
     * @throws ProblemException 400 for a missing record type, 404 for a flow not in the tenant's organization
     * @throws dev.runloom.flows.records.RecordsUnavailableException when records-service cannot be read
     */
    public BatchRun runOnRecordType(Tenant tenant, String flowId, @Nullable String recordType) {
        if (recordType == null || recordType.isBlank()) {
            throw ProblemException.validation("recordType is required and must not be empty");
        }
        if (recordType.length() > MAX_RECORD_TYPE_LENGTH) {
            throw ProblemException.validation("recordType is longer than " + MAX_RECORD_TYPE_LENGTH + " characters");
        }
        FlowWithSteps flow = flows.findWithSteps(tenant.organizationId(), flowId)
                .orElseThrow(() -> ProblemException.notFound("Flow", flowId));
        CompiledFlow compiled = compiledFlows.compiled(flow.version());
        List<SourceRecord> found = records.recordsOfType(tenant, recordType);
        if (found.size() <= inlineLimit) {
            return runInline(tenant, compiled, recordType, found);
        }
        return new BatchRun.Queued(enqueue(tenant.organizationId(), tenant.userId(), compiled, recordType, found, null));
    }

    /**
     * A schedule fired for a flow, step one — reads only, and a remote call, so it runs outside any
     * transaction: finds the flow and the records to run over. A run that cannot start is planned as
     * a failure, so the schedule run ends too.
     *
     * @throws dev.runloom.flows.records.RecordsUnavailableException when records-service cannot be read (retry later)
     */
    public ScheduleRunPlan planScheduleRun(ScheduleRunRequestedV1 run) {
        String org = run.organizationId();
        Optional<FlowWithSteps> flow = flows.findWithSteps(org, run.flowId());
        if (flow.isEmpty()) {
            return ScheduleRunPlan.failure("Flow '" + run.flowId() + "' was not found");
        }
        List<String> recordIds = run.recordIds() == null ? List.of() : run.recordIds();
        String recordType = run.recordType() == null || run.recordType().isBlank() ? null : run.recordType();
        if (recordType == null) {
            return ScheduleRunPlan.failure(recordIds.isEmpty()
                    ? "The schedule names neither a recordType nor recordIds"
                    : "Schedule runs over recordIds without a recordType are not supported yet");
        }
        Tenant onBehalf = new Tenant(org, run.userId() != null ? run.userId() : "schedule:" + run.scheduleId(),
                SCHEDULE_SCOPES);
        List<SourceRecord> found = records.recordsOfType(onBehalf, recordType);
        if (!recordIds.isEmpty()) {
            Set<String> wanted = new HashSet<>(recordIds);
            found = found.stream().filter(r -> wanted.contains(r.id())).toList();
        }
        return ScheduleRunPlan.batch(compiledFlows.compiled(flow.get().version()), recordType, found);
    }

    /**
     * Step two, inside the caller's transaction: always fanned out (nobody waits for an answer), every
     * execution and event carrying the run id.
     */
    public Batch startScheduleRun(ScheduleRunRequestedV1 run, ScheduleRunPlan plan) {
        if (plan.failure() != null) {
            return failToStart(run, plan.failure());
        }
        return enqueue(run.organizationId(), run.userId(), plan.flow(), plan.recordType(), plan.records(), run.runId());
    }

    /** @throws ProblemException 404 when the batch does not exist in the tenant's organization */
    public Batch status(Tenant tenant, String batchId) {
        return batches.find(tenant.organizationId(), batchId).orElseThrow(() -> ProblemException.notFound("Batch", batchId));
    }

    private BatchRun.Inline runInline(Tenant tenant, CompiledFlow flow, String recordType, List<SourceRecord> found) {
        String batchId = Ids.newId("batch");
        Instant started = now();
        ExecutionScope scope = new ExecutionScope(tenant.organizationId(), tenant.userId(), batchId, null);
        List<ExecutionOutcome> outcomes = found.stream().map(r -> engine.run(flow, scope, r)).toList();
        int failed = (int) outcomes.stream().filter(o -> !o.success()).count();
        BigDecimal cost = outcomes.stream().map(ExecutionOutcome::totalCost).reduce(BigDecimal.ZERO, BigDecimal::add);
        Batch batch = new Batch(batchId, tenant.organizationId(), tenant.userId(), flow.flowId(), flow.versionId(),
                recordType, null, true, Batch.finalStatus(outcomes.size(), failed), outcomes.size(), outcomes.size(),
                failed, cost, null, started, now());
        store.saveFinished(batch, flow.flowName(), outcomes);
        return new BatchRun.Inline(batch, outcomes);
    }

    private Batch enqueue(String org, @Nullable String userId, CompiledFlow flow, String recordType,
                          List<SourceRecord> found, @Nullable String scheduleRunId) {
        String batchId = Ids.newId("batch");
        Instant started = now();
        boolean empty = found.isEmpty();
        Batch batch = new Batch(batchId, org, userId, flow.flowId(), flow.versionId(), recordType, scheduleRunId, false,
                empty ? Batch.COMPLETED : Batch.QUEUED, found.size(), 0, 0, BigDecimal.ZERO, null, started,
                empty ? started : null);
        List<BatchRecordWork> work = found.stream()
                .map(r -> new BatchRecordWork(batchId, org, userId, flow.flowId(), flow.versionId(), scheduleRunId, r))
                .toList();
        store.saveQueued(batch, flow.flowName(), work);
        LOG.info("batch {} of flow {} queued {} records{}", batchId, flow.flowId(), found.size(),
                scheduleRunId == null ? "" : " for schedule run " + scheduleRunId);
        return batch;
    }

    private Batch failToStart(ScheduleRunRequestedV1 run, String error) {
        Instant now = now();
        Batch batch = new Batch(Ids.newId("batch"), run.organizationId(), run.userId(), run.flowId(), null,
                run.recordType(), run.runId(), false, Batch.FAILED, 0, 0, 0, BigDecimal.ZERO, error, now, now);
        store.saveFailedToStart(batch);
        LOG.info("schedule run {} could not start a batch: {}", run.runId(), error);
        return batch;
    }

    private static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MILLIS);
    }
}
