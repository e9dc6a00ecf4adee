package dev.runloom.flows.batches;

import dev.runloom.common.id.Ids;
import dev.runloom.common.input.TextRules;
import dev.runloom.common.problem.ProblemException;
import dev.runloom.common.tenant.Tenant;
import dev.runloom.flows.costs.Budgets;
import dev.runloom.flows.engine.CompiledFlow;
import dev.runloom.flows.engine.CompiledFlows;
import dev.runloom.flows.engine.ExecutionScope;
import dev.runloom.flows.engine.FlowEngine;
import dev.runloom.flows.engine.FlowExecutionOutcome;
import dev.runloom.flows.flow.FlowService;
import dev.runloom.flows.recordsource.RecordsClient;
import dev.runloom.flows.recordsource.SourceRecord;
import io.micronaut.context.annotation.Value;
import io.micronaut.core.annotation.Nullable;
import jakarta.inject.Singleton;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

/**
 * {@code run-on-record-type}: the part of starting a batch that must run OUTSIDE any transaction —
 * reading the records from records-service over HTTP (a slow peer must not pin a database
 * connection) and, for a small batch, running the flow on each record in the request (model calls
 * can be slow too) — before handing the result to one {@link BatchService} transaction.
 *
 * <p>Why a class of its own rather than a method of {@link BatchService}: a {@code @Transactional}
 * method is only transactional when called through the bean's proxy, never from the same object,
 * so the non-transactional orchestration and the transactional use cases it ends with live in two
 * beans. Large batches are queued as one work item per record for any replica's {@link BatchWorker}.
 */
@Singleton
public class BatchStarter {
    static final int MAX_RECORD_TYPE_LENGTH = 255;

    private final FlowService flows;
    private final CompiledFlows compiledFlows;
    private final FlowEngine engine;
    private final RecordsClient records;
    private final BatchService batches;
    private final Budgets budgets;
    private final int inlineLimit;

    public BatchStarter(FlowService flows, CompiledFlows compiledFlows, FlowEngine engine, RecordsClient records,
                        BatchService batches, Budgets budgets,
                        @Value("${runloom.flows.inline-batch-limit:10}") int inlineLimit) {
        this.budgets = budgets;
        this.flows = flows;
        this.compiledFlows = compiledFlows;
        this.engine = engine;
        this.records = records;
        this.batches = batches;
        this.inlineLimit = inlineLimit;
    }

    /**
     * {@code POST /v1/flows/:id/run-on-record-type}: at most {@code inline-batch-limit} records run
     * here and now; more are queued.
     *
     * @throws ProblemException 400 for a missing record type, 404 for a flow not in the tenant's organization
     * @throws dev.runloom.flows.recordsource.RecordsUnavailableException when records-service cannot be read
     */
    public BatchRun runOnRecordType(Tenant tenant, String flowId, @Nullable String recordType) {
        if (recordType == null || recordType.isBlank()) {
            throw ProblemException.validation("recordType is required and must not be empty");
        }
        if (recordType.length() > MAX_RECORD_TYPE_LENGTH) {
            throw ProblemException.validation("recordType is longer than " + MAX_RECORD_TYPE_LENGTH + " characters");
        }
        if (!storableText(recordType)) {
            // no record type can hold one: say so here rather than send it on to records-service
            throw ProblemException.validation("recordType contains a NUL character or an unpaired UTF-16 surrogate");
        }
        CompiledFlow flow = compiledFlows.compiled(flows.getRunning(tenant, flowId).version());
        budgets.requireUnderCap(tenant.organizationId());
        List<SourceRecord> found = records.recordsOfType(tenant, recordType);
        if (found.size() <= inlineLimit) {
            return runInline(tenant, flow, recordType, found);
        }
        return new BatchRun.Queued(batches.queue(tenant.organizationId(), tenant.userId(), flow, recordType, found,
                BatchRequest.adHoc()).orElseThrow());
    }

    /**
     * {@code POST /v1/batch/flow}: always queued (202), whatever its size. The records are the
     * tenant's records among {@code recordIds} (of {@code recordType} when also given) or every record
     * of {@code recordType} matching {@code filterJson}; ids of no record of the tenant's organization
     * (unknown, deleted, another organization's) are not found and not part of the batch.
     *
     * @throws ProblemException 404 for a flow not in the tenant's organization
     * @throws dev.runloom.flows.recordsource.InvalidRecordFilterException when records-service refuses the filter
     * @throws dev.runloom.flows.recordsource.RecordsUnavailableException when records-service cannot be read
     */
    public Batch submit(Tenant tenant, BatchSubmission submission) {
        CompiledFlow flow = compiledFlows.compiled(flows.getRunning(tenant, submission.flowId()).version());
        // 402 before reading any record: the organization's budget is already spent
        budgets.requireUnderCap(tenant.organizationId());
        List<SourceRecord> found;
        if (!submission.recordIds().isEmpty()) {
            found = records.recordsByIds(tenant, submission.recordType(), submission.recordIds());
        } else if (submission.filterJson() != null) {
            found = records.recordsMatching(tenant, submission.recordType(), submission.filterJson(),
                    RecordsClient.MAX_PAGE_SIZE);
        } else {
            found = records.recordsOfType(tenant, submission.recordType(), RecordsClient.MAX_PAGE_SIZE);
        }
        return batches.queue(tenant.organizationId(), tenant.userId(), flow, submission.recordType(), found,
                new BatchRequest(null, null, Map.of(), submission.options())).orElseThrow();
    }

    private BatchRun.Inline runInline(Tenant tenant, CompiledFlow flow, String recordType, List<SourceRecord> found) {
        String batchId = Ids.newId("batch");
        Instant started = now();
        ExecutionScope scope = new ExecutionScope(tenant.organizationId(), tenant.userId(), batchId, null).interactively();
        List<FlowExecutionOutcome> outcomes = found.stream().map(r -> engine.run(flow, scope, r)).toList();
        int failed = (int) outcomes.stream().filter(o -> !o.success()).count();
        BigDecimal cost = outcomes.stream().map(FlowExecutionOutcome::totalCost).reduce(BigDecimal.ZERO, BigDecimal::add);
        Batch batch = new Batch(batchId, tenant.organizationId(), tenant.userId(), flow.flowId(), flow.versionId(),
                recordType, null, true, Batch.finalStatus(outcomes.size(), failed), outcomes.size(), outcomes.size(),
                failed, cost, null, started, now());
        batches.saveFinished(batch, flow.flowName(), outcomes);
        return new BatchRun.Inline(batch, outcomes);
    }

    private static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MILLIS);
    }

    /** Text PostgreSQL can store and a URL can carry (common's {@link TextRules}: no NUL, no unpaired surrogate). */
    static boolean storableText(String text) {
        return TextRules.problemWith(text) == null;
    }
}
