package dev.runloom.flows;

import dev.runloom.common.tenant.Tenant;
import dev.runloom.flows.batches.BatchWorkEvents;
import dev.runloom.flows.events.FlowEvents;
import dev.runloom.kernel.consumer.DeadLetters;
import dev.runloom.kernel.events.TopicNames;
import dev.runloom.testsupport.ApiClient;
import dev.runloom.testsupport.ApiClient.Reply;
import dev.runloom.testsupport.KafkaTestTopics;
import dev.runloom.testsupport.ServiceTest;
import dev.runloom.testsupport.ServiceTestEnvironment;
import io.micronaut.json.JsonMapper;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static dev.runloom.flows.FlowFixtures.awaitFinishedBatch;
import static dev.runloom.flows.FlowFixtures.createFlow;
import static dev.runloom.flows.FlowFixtures.query;
import static dev.runloom.flows.FlowFixtures.templateStep;
import static dev.runloom.testsupport.TestTenants.ORG_A;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A work item that fails for good is dead-lettered — and still counts toward its batch as a failed
 * record, so the batch completes instead of staying {@code running} at n-1 of n forever.
 *
 * <p>The poison is real data, not a test hook: one record's metadata is {@code "%00"}, the flow
 * URL-decodes it into its output, and PostgreSQL refuses a NUL character in text. The engine runs
 * that record fine, but storing its step result fails every time, so the kernel retries the poll
 * event by event and dead-letters just that work item.
 */
@ServiceTest("flows")
class BatchDeadLetterTest implements TestPropertyProvider {
    private static final String POISON = "mixed_99_poison";

    @Inject ApiClient<Tenant> api;
    @Inject ServiceTestEnvironment env;
    @Inject JsonMapper json;
    @Inject KafkaTestTopics kafka;
    @Inject TopicNames topics;
    final FakeRecordsService records = new FakeRecordsService();
    EventCollector events;

    @Override
    public Map<String, String> getProperties() {
        return records.serviceProperties();
    }

    @BeforeAll
    void setUp() {
        events = EventCollector.flowEvents(env, json);
        records.add("org_a", "mixed", "mixed", 11);
        records.addOne("org_a", "mixed", POISON, "Poison Inc", "%00");
    }

    @AfterAll
    void stopCollectorAndFake() throws InterruptedException {
        events.close();
        records.close();
    }

    @Test
    void aDeadLetteredWorkItemCountsAsAFailedRecordAndTheBatchCompletes() {
        String flowId = createFlow(api, "Decode industry",
                List.of(templateStep("Decode", "{{ _record.metadata.industry | url_decode }}")));

        Reply reply = api.post("/v1/flows/" + flowId + "/run-on-record-type", Map.of("recordType", "mixed"), ORG_A);
        assertThat(reply.status()).as(reply.raw()).isEqualTo(202);
        assertThat(reply.body()).containsEntry("recordCount", 12);
        String batchId = (String) reply.body().get("batchId");

        Map<String, Object> status = awaitFinishedBatch(api, batchId, Duration.ofSeconds(60));
        assertThat(status).containsEntry("status", "partial").containsEntry("totalRecords", 12)
                .containsEntry("processedRecords", 12).containsEntry("failedRecords", 1)
                .containsEntry("successCount", 11).containsEntry("progress", 100);
        assertThat(events.await(FlowEvents.BATCH_COMPLETED.type(), e -> batchId.equals(e.key()), 1)).singleElement()
                .satisfies(e -> assertThat(e.data()).containsEntry("status", "partial").containsEntry("recordCount", 12)
                        .containsEntry("successCount", 11).containsEntry("failureCount", 1));

        // the work item went to the dead-letter topic, with the reason …
        ConsumerRecord<String, byte[]> dead = kafka.awaitFirst(topics.deadLetterOf(BatchWorkEvents.BATCH_WORK),
                r -> POISON.equals(r.key()), Duration.ofSeconds(30));
        assertThat(header(dead, DeadLetters.CONSUMER_HEADER)).endsWith("flows-service.batch-work");
        String reason = header(dead, DeadLetters.ERROR_HEADER);

        // … and the record is a failed execution like any other, its error saying why
        List<EventCollector.Event> executions = events.await(FlowEvents.RECORD_EXECUTION_COMPLETED.type(),
                e -> batchId.equals(e.data().get("batchId")), 12);
        assertThat(executions).hasSize(12);
        assertThat(executions).extracting(EventCollector.Event::key).doesNotHaveDuplicates();
        EventCollector.Event failed = executions.stream().filter(e -> POISON.equals(e.key())).findFirst().orElseThrow();
        assertThat(failed.data()).containsEntry("success", false).containsEntry("status", "failed")
                .containsEntry("flowId", flowId).containsEntry("flowName", "Decode industry")
                .containsEntry("scheduleRunId", null).containsEntry("results", List.of());
        String error = (String) failed.data().get("error");
        assertThat(error).isNotBlank();
        assertThat(reason).contains(error);
        assertThat(executions).filteredOn(e -> !POISON.equals(e.key()))
                .allSatisfy(e -> assertThat(e.data()).containsEntry("success", true));

        List<Map<String, Object>> rows = query(env,
                "SELECT record_id, status, error FROM flow_executions WHERE batch_id = ? ORDER BY record_id", batchId);
        assertThat(rows).hasSize(12);
        assertThat(rows.getLast()).isEqualTo(Map.of("record_id", POISON, "status", "failed", "error", error));
        assertThat(rows.subList(0, 11)).allSatisfy(r -> assertThat(r).containsEntry("status", "completed")
                .containsEntry("error", null));
        // the eleven good records' step results are there; the poisoned one left none
        assertThat(api.get("/v1/flows/" + flowId + "/step-results?limit=100&batchId=" + batchId, ORG_A).list("data"))
                .hasSize(11).noneSatisfy(r -> assertThat(r).containsEntry("recordId", POISON));
    }

    private static String header(ConsumerRecord<String, byte[]> record, String name) {
        return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }
}
