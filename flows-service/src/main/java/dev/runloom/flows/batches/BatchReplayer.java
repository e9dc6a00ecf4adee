package dev.runloom.flows.batches;

import dev.runloom.common.problem.ProblemException;
import dev.runloom.common.tenant.Tenant;
import dev.runloom.flows.engine.CompiledFlow;
import dev.runloom.flows.engine.CompiledFlows;
import dev.runloom.flows.recordsource.SourceRecord;
import io.micronaut.core.annotation.Nullable;
import jakarta.inject.Singleton;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code POST /v1/batch/:id/replay} (a Runloom extension): runs a finished batch's records again from
 * step N, reusing what the steps before N produced in the old batch. Each record's new execution starts
 * at step N with the variables its old execution had when step N started (stored with that step's
 * result as {@code inputVariables}), so the earlier steps are not run — no model call, no tokens, no
 * cost — and write no step results in the new batch. The new batch is linked to the old one
 * ({@code batch_replays}) and queued like any batch (202); it runs on the records as the old batch
 * saw them (their stored metadata), on the old batch's flow version or another version of the same flow.
 *
 * <p>Not a transaction itself (like {@link BatchStarter}): the reads and checks, then one
 * {@link BatchService#queueReplay} transaction.
 */
@Singleton
public class BatchReplayer {
    private final BatchService batches;
    private final CompiledFlows compiledFlows;

    public BatchReplayer(BatchService batches, CompiledFlows compiledFlows) {
        this.batches = batches;
        this.compiledFlows = compiledFlows;
    }

    /** What was asked: the 1-based step to start at, the records (empty: all the batch ran), a version id (null: the batch's). */
    public record ReplayRequest(int fromStep, List<String> recordIds, @Nullable String flowVersionId, BatchOptions options) {
    }

    /**
     * @throws ProblemException 404 unknown batch (or another organization's) or flow version, 409 batch not
     *         finished or its version gone, 400 fromStep out of range or recordIds not in the batch
     */
    public Batch replay(Tenant tenant, String batchId, ReplayRequest request) {
        Batch old = batches.status(tenant, batchId);
        if (!old.finished()) {
            throw ProblemException.conflict("batch_running", "Batch '" + batchId + "' is still " + old.status()
                    + "; only a finished batch can be replayed (cancel it first, or wait)");
        }
        String org = tenant.organizationId();
        CompiledFlow oldFlow = old.flowVersionId() == null ? null
                : compiledFlows.find(org, old.flowVersionId()).orElse(null);
        CompiledFlow flow;
        if (request.flowVersionId() != null) {
            flow = compiledFlows.find(org, request.flowVersionId())
                    .filter(f -> f.flowId().equals(old.flowId()))
                    .orElseThrow(() -> ProblemException.notFound("Flow version of flow " + old.flowId(),
                            request.flowVersionId()));
        } else if (oldFlow != null) {
            flow = oldFlow;
        } else {
            throw ProblemException.conflict("flow_version_gone", "The flow version batch '" + batchId
                    + "' ran no longer exists; give a flowVersion of flow " + old.flowId() + " to replay it with");
        }
        int fromStep = request.fromStep();
        int newSteps = flow.steps().size();
        if (fromStep < 1 || fromStep > newSteps) {
            throw ProblemException.invalidParameter("fromStep", "must be between 1 and " + newSteps
                    + " (the flow version's steps, 1 = the first); was " + fromStep);
        }
        String sourceStepId = null;
        if (fromStep > 1) {
            if (oldFlow == null) {
                throw ProblemException.conflict("flow_version_gone", "The flow version batch '" + batchId
                        + "' ran no longer exists, so its step outputs cannot be matched; replay from step 1");
            }
            if (fromStep > oldFlow.steps().size()) {
                throw ProblemException.invalidParameter("fromStep", "must be at most " + oldFlow.steps().size()
                        + ": the batch's flow version had " + oldFlow.steps().size()
                        + " steps, and step " + fromStep + " needs the outputs of the steps before it there");
            }
            sourceStepId = oldFlow.steps().get(fromStep - 1).definition().id();
        }
        List<SourceRecord> ran = batches.executedRecords(org, old.id());
        List<SourceRecord> records = ran;
        if (!request.recordIds().isEmpty()) {
            Map<String, SourceRecord> byId = new LinkedHashMap<>();
            ran.forEach(r -> byId.put(r.id(), r));
            List<String> ids = request.recordIds();
            for (int i = 0; i < ids.size(); i++) {
                if (!byId.containsKey(ids.get(i))) {
                    throw ProblemException.invalidParameter("recordIds[" + i + "]",
                            "'" + ids.get(i) + "' is not a record batch '" + batchId + "' ran");
                }
            }
            records = ids.stream().map(byId::get).toList();
        }
        return batches.queueReplay(tenant, flow, old.recordType(), records, request.options(),
                new BatchRecordWork.Replay(old.id(), fromStep - 1, sourceStepId == null ? "" : sourceStepId));
    }
}
