package dev.runloom.flows;

import dev.runloom.common.tenant.Tenant;
import dev.runloom.flows.batches.BatchWorkEvents;
import dev.runloom.flows.events.FlowEvents;
import dev.runloom.kernel.events.TopicNames;
import dev.runloom.testsupport.ApiClient;
import dev.runloom.testsupport.ApiClient.Reply;
import dev.runloom.testsupport.KafkaTestTopics;
import dev.runloom.testsupport.Poll;
import dev.runloom.testsupport.ServiceTest;
import dev.runloom.testsupport.ServiceTestEnvironment;
import dev.runloom.testsupport.TestInfrastructure;
import io.micronaut.json.JsonMapper;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static dev.runloom.flows.FlowFixtures.awaitFinishedBatch;
import static dev.runloom.flows.FlowFixtures.createFlow;
import static dev.runloom.flows.FlowFixtures.query;
import static dev.runloom.testsupport.TestTenants.ORG_A;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A fault test: PostgreSQL restarts while a large fanned-out batch is being worked on. Every open
 * connection breaks; the batch workers' polls fail with broken connections, which the kernel treats
 * as transient (seek back, evict the pool's idle connections, read the poll again), and the inbox
 * makes the re-read polls idempotent. The batch must complete with every record executed exactly
 * once: no row or event lost, none doubled, nothing dead-lettered.
 */
@ServiceTest("flows")
class BatchSurvivesDatabaseRestartTest implements TestPropertyProvider {
    private static final Logger LOG = LoggerFactory.getLogger(BatchSurvivesDatabaseRestartTest.class);
    private static final int RECORDS = 5000;
    private static final Duration RECOVERY = Duration.ofSeconds(120);

    @Inject ApiClient<Tenant> api;
    @Inject ServiceTestEnvironment env;
    @Inject JsonMapper json;
    @Inject KafkaTestTopics kafka;
    @Inject TopicNames topics;
    /** Large pages: the batch's records are read in five requests. */
    final FakeRecordsService records = new FakeRecordsService(1000);
    EventCollector events;

    @Override
    public Map<String, String> getProperties() {
        return records.serviceProperties();
    }

    @BeforeAll
    void setUp() {
        events = EventCollector.flowEvents(env, json);
        records.add("org_a", "bulk", "bulk", RECORDS);
    }

    @AfterAll
    void stopCollectorAndFake() throws InterruptedException {
        events.close();
        records.close();
    }

    @Test
    void aFannedOutBatchCompletesExactlyOnceAcrossAPostgresRestart() {
        assumeTrue(TestInfrastructure.get().canRestartPostgres(),
                "PostgreSQL is not embedded in this JVM: " + TestInfrastructure.get().description());
        String flowId = createFlow(api, "Bulk", List.of(
                Map.of("type", "template", "name", "Profile", "config",
                        Map.of("template", "{{_record.name}} ({{_record.metadata.industry}})")),
                Map.of("type", "prompt", "name", "Qualify", "config", Map.of("userPrompt", "Qualify {{profile}}"))));

        Reply reply = api.post("/v1/flows/" + flowId + "/run-on-record-type", Map.of("recordType", "bulk"), ORG_A);
        assertThat(reply.status()).as(reply.raw()).isEqualTo(202);
        String batchId = (String) reply.body().get("batchId");

        Map<String, Object> underway = Poll.until(() -> api.get("/v1/batch/status/" + batchId, ORG_A).body(),
                status -> processed(status) > 0, Duration.ofSeconds(60));
        assertThat(processed(underway)).as("the restart must hit the batch while it is being worked on")
                .isLessThan(RECORDS);
        TestInfrastructure.get().restartPostgres(Duration.ofSeconds(1));
        LOG.info("PostgreSQL restarted with {} of {} records of batch {} processed", processed(underway), RECORDS,
                batchId);

        Map<String, Object> finished = awaitFinishedBatch(api, batchId, RECOVERY);
        List<Map<String, Object>> failures = query(env,
                "SELECT record_id, error FROM flow_executions WHERE batch_id = ? AND status <> 'completed'", batchId);
        assertThat(finished).as("failed executions: %s", failures).containsEntry("status", "completed").containsEntry("totalRecords", RECORDS)
                .containsEntry("processedRecords", RECORDS).containsEntry("failedRecords", 0)
                .containsEntry("successCount", RECORDS).containsEntry("progress", 100);

        // exactly one execution row per record
        Map<String, Object> rows = query(env, """
                SELECT count(*) AS executions, count(DISTINCT record_id) AS records,
                       count(*) FILTER (WHERE status <> 'completed') AS unsuccessful
                FROM flow_executions WHERE batch_id = ?""", batchId).getFirst();
        assertThat(rows).isEqualTo(Map.of("executions", (long) RECORDS, "records", (long) RECORDS, "unsuccessful", 0L));

        // exactly one execution event per record, and one completion of the batch
        events.await(FlowEvents.RECORD_EXECUTION_COMPLETED.type(), e -> batchId.equals(e.data().get("batchId")),
                RECORDS, RECOVERY);
        Poll.pause(Duration.ofSeconds(2)); // copies, if any, would arrive right behind
        List<EventCollector.Event> executions = events.matching(FlowEvents.RECORD_EXECUTION_COMPLETED.type(),
                e -> batchId.equals(e.data().get("batchId")));
        Set<String> eventIds = executions.stream().map(EventCollector.Event::id).collect(Collectors.toSet());
        Set<Object> executionIds = executions.stream().map(e -> e.data().get("executionId")).collect(Collectors.toSet());
        Set<String> recordIds = executions.stream().map(EventCollector.Event::key).collect(Collectors.toSet());
        LOG.info("batch {}: {} execution events, {} distinct event ids, {} distinct executions, {} distinct records",
                batchId, executions.size(), eventIds.size(), executionIds.size(), recordIds.size());
        assertThat(recordIds).hasSize(RECORDS);
        assertThat(executionIds).hasSize(RECORDS);
        assertThat(eventIds).hasSize(RECORDS);
        // A relay round the restart cut between the broker's ack and its commit is sent again: copies of the
        // same events (same ids, which every consumer's inbox absorbs), never new ones — at-least-once.
        assertThat(executions.size() - eventIds.size()).as("redelivered copies").isBetween(0, 1000);
        assertThat(events.matching(FlowEvents.BATCH_COMPLETED.type(), e -> batchId.equals(e.key()))).singleElement()
                .satisfies(e -> assertThat(e.data()).containsEntry("status", "completed")
                        .containsEntry("successCount", RECORDS).containsEntry("failureCount", 0));

        // and nothing was given up on
        assertThat(kafka.read(topics.deadLetterOf(BatchWorkEvents.BATCH_WORK), 1, Duration.ofSeconds(2))).isEmpty();
    }

    private static int processed(Map<String, Object> status) {
        Object processed = status.get("processedRecords");
        return processed instanceof Number n ? n.intValue() : 0;
    }
}
