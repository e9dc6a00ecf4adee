package dev.runloom.flows.scheduleruns;

import dev.runloom.common.tenant.Tenant;
import dev.runloom.flows.batches.BatchOptions;
import dev.runloom.flows.batches.BatchService;
import dev.runloom.flows.engine.CompiledFlows;
import dev.runloom.flows.flow.FlowService;
import dev.runloom.flows.flow.FlowWithSteps;
import dev.runloom.flows.recordsource.RecordsClient;
import dev.runloom.flows.recordsource.RecordsUnavailableException;
import dev.runloom.flows.recordsource.SourceRecord;
import dev.runloom.kernel.consumer.EventSubscriber;
import dev.runloom.kernel.consumer.Received;
import dev.runloom.kernel.consumer.Subscription;
import dev.runloom.kernel.consumer.Subscription.Prepared;
import dev.runloom.kernel.consumer.TransientFailures;
import dev.runloom.schedules.events.ScheduleEvents;
import dev.runloom.schedules.events.ScheduleRunRequestedV1;
import io.micronaut.core.annotation.Nullable;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Starts a fanned-out batch for every schedule run that targets a flow (agent targets belong to
 * agents-service). Planning reads the flow and, over HTTP, the records, so it runs outside any
 * transaction; the batch is then queued in the inbox transaction, every execution and event
 * carrying the run id, its work items the run's inputs and options. A run that cannot start (an
 * unknown flow, options out of range …) ends as a failed batch, so the schedule run ends too.
 *
 * <p>The batch takes the run's {@code batchId}, minted by schedules-service: a request delivered
 * again (same event, which the inbox skips, or another event for the same batch) finds the batch
 * there and does nothing.
 */
@Singleton
public class ScheduleRunConsumer implements EventSubscriber {
    private static final Logger LOG = LoggerFactory.getLogger(ScheduleRunConsumer.class);
    /** What a schedule run's token may do on the owner's behalf: read the records it runs over. */
    private static final Set<String> SCHEDULE_SCOPES = Set.of("RECORDS:READ");

    private final FlowService flows;
    private final CompiledFlows compiledFlows;
    private final RecordsClient records;
    private final BatchService batches;

    public ScheduleRunConsumer(FlowService flows, CompiledFlows compiledFlows, RecordsClient records,
                               BatchService batches) {
        this.flows = flows;
        this.compiledFlows = compiledFlows;
        this.records = records;
        this.batches = batches;
    }

    @Override
    public Subscription subscription() {
        return Subscription.consumer("flows-service.schedule-runs")
                .prepareThenApply(ScheduleEvents.RUN_REQUESTED, this::plan, this::start)
                .build();
    }

    /**
     * Outside any transaction: finds the flow and the records to run over ({@code null}: not a flow's
     * run, or its batch exists already).
     *
     * @throws TransientFailures.TransientFailure when records-service cannot be read: not the event's
     *                                            fault, so the poll is read again later
     */
    @Nullable ScheduleRunPlan plan(Received<ScheduleRunRequestedV1> event) {
        ScheduleRunRequestedV1 run = event.payload();
        if (run.flowId() == null) {
            return null;
        }
        String batchId = ScheduleRunPlan.batchId(run);
        if (batchId != null && batches.exists(run.organizationId(), batchId)) {
            LOG.info("schedule run {}: batch {} exists already; request delivered again, ignored", run.runId(), batchId);
            return null; // the insert in start() is the real guard; this spares reading the records again
        }
        BatchOptions options;
        try {
            options = options(run.executionOptions());
        } catch (BatchOptions.InvalidBatchOptions e) {
            return ScheduleRunPlan.failure(run, e.getMessage());
        }
        Optional<FlowWithSteps> flow = flows.findRunning(run.organizationId(), run.flowId());
        if (flow.isEmpty()) {
            return ScheduleRunPlan.failure(run, "Flow '" + run.flowId() + "' was not found");
        }
        List<String> recordIds = run.recordIds() == null ? List.of() : run.recordIds();
        String recordType = run.recordType() == null || run.recordType().isBlank() ? null : run.recordType();
        if (recordType == null) {
            return ScheduleRunPlan.failure(run, recordIds.isEmpty()
                    ? "The schedule names neither a recordType nor recordIds"
                    : "Schedule runs over recordIds without a recordType are not supported yet");
        }
        Tenant onBehalf = new Tenant(run.organizationId(),
                run.userId() != null ? run.userId() : "schedule:" + run.scheduleId(), SCHEDULE_SCOPES);
        List<SourceRecord> found;
        try {
            found = records.recordsOfType(onBehalf, recordType, options.chunkSize());
        } catch (RecordsUnavailableException e) {
            throw new TransientFailures.TransientFailure(e);
        }
        if (!recordIds.isEmpty()) {
            Set<String> wanted = new HashSet<>(recordIds);
            found = found.stream().filter(r -> wanted.contains(r.id())).toList();
        }
        return ScheduleRunPlan.batch(run, compiledFlows.compiled(flow.get().version()), recordType, found, options);
    }

    /** Inside the inbox transaction: queues each planned batch, or records the run's failure to start. */
    void start(List<Prepared<ScheduleRunRequestedV1, ScheduleRunPlan>> prepared) {
        for (Prepared<ScheduleRunRequestedV1, ScheduleRunPlan> p : prepared) {
            ScheduleRunPlan plan = p.result();
            if (plan == null) {
                continue;
            }
            ScheduleRunRequestedV1 run = plan.run();
            if (plan.failure() != null) {
                batches.failToStart(run.organizationId(), run.userId(), run.flowId(), run.recordType(), run.runId(),
                        ScheduleRunPlan.batchId(run), plan.failure())
                        .ifPresent(b -> LOG.info("schedule run {} could not start a batch: {}", run.runId(), plan.failure()));
            } else {
                batches.queue(run.organizationId(), run.userId(), plan.flow(), plan.recordType(), plan.records(),
                        plan.request());
            }
        }
    }

    private static BatchOptions options(@Nullable ScheduleRunRequestedV1.ExecutionOptionsV1 given) {
        if (given == null) {
            return BatchOptions.DEFAULTS;
        }
        return BatchOptions.of(given.chunkSize(), given.recordConcurrency(), given.progressFlushSize(),
                given.timeoutMs(), given.maxRetries());
    }
}
