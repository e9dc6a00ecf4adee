package dev.runloom.flows;

import dev.runloom.flows.batches.Batch;
import dev.runloom.flows.batches.BatchRepository;
import dev.runloom.flows.batches.BatchService;
import dev.runloom.flows.engine.ExecutionScope;
import dev.runloom.flows.engine.FlowExecutionOutcome;
import dev.runloom.flows.recordsource.SourceRecord;
import dev.runloom.testsupport.ServiceTest;
import dev.runloom.testsupport.ServiceTestEnvironment;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

import static dev.runloom.flows.FlowFixtures.query;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * How a poll's finished records are counted ({@link BatchService#recordWorkDone}): their executions
 * are written first and the batch's counter last (its row lock is then held only for the commit).
 * A batch found cancelled by that last UPDATE has its executions of the poll undone — a savepoint —
 * while another batch's records in the same poll are kept and counted. Real PostgreSQL; the outcomes
 * are built here, as a worker would hand them over, so the cancel lands exactly between the two.
 */
@ServiceTest("flows")
class BatchCountingTest {
    private static final String ORG = "org_counting";

    @Inject BatchService batchService;
    @Inject BatchRepository batches;
    @Inject ServiceTestEnvironment env;

    @Test
    void aCancelledBatchsRecordsAreUndoneWhileAnotherBatchOfThePollIsCounted() {
        Batch cancelled = batch("batch_counting_cancelled", Batch.CANCELLED, 2);
        Batch live = batch("batch_counting_live", Batch.RUNNING, 2);
        assertThat(batches.insertIfAbsent(cancelled)).isTrue();
        assertThat(batches.insertIfAbsent(live)).isTrue();

        FlowExecutionOutcome late = outcome(cancelled.id(), "rec_late");
        FlowExecutionOutcome counted = outcome(live.id(), "rec_counted");
        batchService.recordWorkDone(List.of(late, counted));

        assertThat(executions(late.executionId())).as("the cancelled batch's execution is undone").isZero();
        assertThat(executions(counted.executionId())).as("the live batch's execution is kept").isEqualTo(1);
        assertThat(counters(cancelled.id())).containsEntry("processed_records", 0).containsEntry("status", "cancelled");
        assertThat(counters(live.id())).containsEntry("processed_records", 1).containsEntry("failed_records", 1)
                .containsEntry("status", "running");
    }

    @Test
    void theLastRecordCompletesTheBatch() {
        Batch batch = batch("batch_counting_last", Batch.RUNNING, 2);
        assertThat(batches.insertIfAbsent(batch)).isTrue();

        batchService.recordWorkDone(List.of(outcome(batch.id(), "rec_1")));
        assertThat(counters(batch.id())).containsEntry("status", "running");
        batchService.recordWorkDone(List.of(outcome(batch.id(), "rec_2")));

        assertThat(counters(batch.id())).containsEntry("processed_records", 2).containsEntry("status", "failed");
        assertThat(query(env, "SELECT count(*) AS n FROM flow_executions WHERE batch_id = ?", batch.id()).get(0))
                .containsEntry("n", 2L);
    }

    private static Batch batch(String id, String status, int total) {
        return new Batch(id + "_" + System.nanoTime(), ORG, null, "flow_counting", null, "lead", null, false, status,
                total, 0, 0, BigDecimal.ZERO, null, Instant.now().truncatedTo(ChronoUnit.MILLIS), null);
    }

    private static FlowExecutionOutcome outcome(String batchId, String recordId) {
        return FlowExecutionOutcome.failedWithoutRunning("flow_counting", "Counting", "flowver_counting",
                new ExecutionScope(ORG, null, batchId, null), new SourceRecord(recordId, recordId, "lead", Map.of()),
                "did not run", Instant.now().truncatedTo(ChronoUnit.MILLIS));
    }

    private long executions(String executionId) {
        return (Long) query(env, "SELECT count(*) AS n FROM flow_executions WHERE id = ?", executionId).get(0).get("n");
    }

    private Map<String, Object> counters(String batchId) {
        return query(env, "SELECT processed_records, failed_records, status FROM batches WHERE id = ?", batchId).get(0);
    }
}
