package dev.runloom.flows.batches;

import dev.runloom.common.tenant.Tenant;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.serde.annotation.Serdeable;

/** {@code POST /v1/batch/:id/resume} (Runloom extension): a batch paused by its budget runs again. */
@Controller("/v1/batch")
public class BatchResumeController {
    private final BatchParking parking;

    public BatchResumeController(BatchParking parking) {
        this.parking = parking;
    }

    /**
     * Resumes a batch paused by the organization's budget ({@code paused_budget}): its parked records
     * are queued again. Answers the batch's id and status; a running batch answers as it is. 402
     * {@code budget_exceeded} while the budget is still spent, 409 {@code batch_not_paused} for a finished batch.
     */
    @Post("/{id}/resume")
    public ResumeResponse resume(Tenant tenant, @PathVariable String id) {
        Batch batch = parking.resume(tenant, id);
        return new ResumeResponse(batch.id(), batch.status());
    }

    @Serdeable
    public record ResumeResponse(String batchExecutionId, String status) {
    }
}
