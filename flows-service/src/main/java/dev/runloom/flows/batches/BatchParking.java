package dev.runloom.flows.batches;

import dev.runloom.common.problem.ProblemException;
import dev.runloom.common.tenant.Tenant;
import dev.runloom.flows.costs.Budgets;
import dev.runloom.kernel.events.OutgoingEvent;
import dev.runloom.kernel.outbox.Outbox;
import io.micronaut.json.JsonMapper;
import io.micronaut.transaction.annotation.Transactional;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Budget pauses of fanned-out batches (Runloom extension). When an organization's cap is reached,
 * workers stop starting its records: each work item that arrives is parked here (the batch turns
 * {@code paused_budget}; records already running finish and count). Resuming — explicitly with
 * {@code POST /v1/batch/:id/resume}, or for all of the organization's paused batches when
 * {@code PUT /v1/budgets} raises the cap above the spend — publishes the parked items as work again.
 */
@Singleton
public class BatchParking {
    private static final Logger LOG = LoggerFactory.getLogger(BatchParking.class);

    private final BatchParkingRepository parking;
    private final BatchRepository batches;
    private final Budgets budgets;
    private final Outbox outbox;
    private final JsonMapper json;

    public BatchParking(BatchParkingRepository parking, BatchRepository batches, Budgets budgets, Outbox outbox,
                        JsonMapper json) {
        this.parking = parking;
        this.batches = batches;
        this.budgets = budgets;
        this.outbox = outbox;
        this.json = json;
    }

    /** Whether the organization's records may start now (no cap reached). */
    public boolean mayStart(String organizationId) {
        return !budgets.overCap(organizationId);
    }

    /** In the batch workers' (inbox) transaction: parks work items that were not started and pauses their batches. */
    @Transactional
    public void park(List<BatchRecordWork> items) {
        List<BatchParkingRepository.Parked> rows = new ArrayList<>(items.size());
        Set<String> paused = new LinkedHashSet<>();
        for (BatchRecordWork work : items) {
            if (batches.isCancelled(work.organizationId(), work.batchId())) {
                continue;
            }
            rows.add(new BatchParkingRepository.Parked(work.organizationId(), work.batchId(), toJson(work)));
            if (paused.add(work.organizationId() + "\u0000" + work.batchId())) {
                if (parking.markPaused(work.organizationId(), work.batchId()) > 0) {
                    LOG.info("batch {} of {} paused: the organization's budget is spent", work.batchId(),
                            work.organizationId());
                }
            }
        }
        parking.park(rows, Instant.now().truncatedTo(ChronoUnit.MILLIS));
    }

    /**
     * {@code POST /v1/batch/:id/resume}: a {@code paused_budget} batch runs again. Idempotent for a
     * batch that is already running or queued.
     *
     * @throws ProblemException 404 not the tenant's batch; 402 the budget is still spent; 409 the batch finished
     */
    @Transactional
    public Batch resume(Tenant tenant, String batchId) {
        String org = tenant.organizationId();
        Batch batch = batches.find(org, batchId).orElseThrow(() -> ProblemException.notFound("Batch", batchId));
        if (Batch.QUEUED.equals(batch.status()) || Batch.RUNNING.equals(batch.status())) {
            return batch;
        }
        if (!Batch.PAUSED_BUDGET.equals(batch.status())) {
            throw ProblemException.conflict("batch_not_paused",
                    "Batch '" + batchId + "' is " + batch.status() + "; only a batch paused by its budget can be resumed");
        }
        budgets.requireUnderCap(org);
        resumeOne(org, batchId);
        return batches.find(org, batchId).orElseThrow();
    }

    /** After a budget change: resumes every paused batch of the organization when no cap is reached any more. */
    @Transactional
    public int resumeAllIfUnderCap(String organizationId) {
        if (budgets.status(organizationId).exceeded() != null) {
            return 0;
        }
        List<String> paused = parking.findPausedIds(organizationId);
        paused.forEach(id -> resumeOne(organizationId, id));
        return paused.size();
    }

    private void resumeOne(String organizationId, String batchId) {
        if (parking.markResumed(organizationId, batchId) == 0) {
            return;
        }
        List<String> items = parking.take(organizationId, batchId);
        List<OutgoingEvent> events = new ArrayList<>(items.size());
        for (String item : items) {
            events.add(BatchEvents.work(fromJson(item)));
        }
        outbox.appendAll(events);
        LOG.info("batch {} of {} resumed: {} parked records published again", batchId, organizationId, items.size());
    }

    private String toJson(BatchRecordWork work) {
        try {
            return json.writeValueAsString(work);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private BatchRecordWork fromJson(String text) {
        try {
            return json.readValue(text, BatchRecordWork.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
