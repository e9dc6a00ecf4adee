package dev.runloom.flows.batches;

import dev.runloom.common.problem.ProblemException;
import dev.runloom.common.tenant.Tenant;
import dev.runloom.flows.stepresults.StepResultController.StepResultView;
import dev.runloom.flows.stepresults.StepResultQuery;
import dev.runloom.flows.stepresults.StepResultService;
import jakarta.inject.Singleton;

import java.util.List;

/**
 * {@code GET /v1/batch/:id/records/:recordId/steps}: the step results of one record of a batch,
 * read through the flow's step results (every attempt of every step, in step order).
 */
@Singleton
public class BatchRecordSteps {
    /** Steps × attempts of one record; far above any flow's size. */
    static final int MAX_STEPS = 1000;

    private final BatchService batches;
    private final StepResultService stepResults;

    public BatchRecordSteps(BatchService batches, StepResultService stepResults) {
        this.batches = batches;
        this.stepResults = stepResults;
    }

    /** @throws ProblemException 404 when the batch is not the tenant's or the record has no step in it */
    public List<StepResultView> of(Tenant tenant, String batchId, String recordId) {
        Batch batch = batches.status(tenant, batchId);
        StepResultQuery query = new StepResultQuery(recordId, batch.id(), null, null, null, null,
                StepResultQuery.SortBy.ORDER, true, MAX_STEPS, 0, false);
        List<StepResultView> steps = stepResults.list(tenant, batch.flowId(), query).stream().limit(MAX_STEPS)
                .map(StepResultView::of).toList();
        if (steps.isEmpty()) {
            throw ProblemException.notFound("Record in batch", recordId);
        }
        return steps;
    }
}
