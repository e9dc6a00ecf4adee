package dev.runloom.flows;

import dev.runloom.common.tenant.Tenant;
import dev.runloom.testsupport.ApiClient;
import dev.runloom.testsupport.ApiClient.Reply;
import dev.runloom.testsupport.FakeModelServer;
import dev.runloom.testsupport.Poll;
import dev.runloom.testsupport.ServiceTest;
import dev.runloom.testsupport.ServiceTestEnvironment;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static dev.runloom.flows.FlowFixtures.awaitFinishedBatch;
import static dev.runloom.flows.FlowFixtures.createFlow;
import static dev.runloom.flows.FlowFixtures.query;
import static dev.runloom.testsupport.TestTenants.ORG_A;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Cancel reaches the model calls in flight: the fake provider answers in 20 s (sending a space every
 * 20 ms, so it notices a closed connection); a cancel closes those connections within a second or so,
 * the batch is {@code cancelled} with exact counters, and the worker threads are free for the next batch
 * at once — both when records run beside each other (record threads) and one at a time (the consumer
 * thread itself, whose interrupt must not leak into Kafka or JDBC).
 */
@ServiceTest("flows")
class BatchCancelAbortTest implements TestPropertyProvider {
    @Inject ApiClient<Tenant> api;
    @Inject ServiceTestEnvironment env;
    final FakeRecordsService records = new FakeRecordsService(1000);
    final FakeModelServer provider = new FakeModelServer();
    private String flowId;

    @Override
    public Map<String, String> getProperties() {
        Map<String, String> properties = new HashMap<>(records.serviceProperties());
        properties.putAll(FlowFixtures.gpt4oOn(provider));
        properties.put("runloom.models.default-timeout", "60s");
        return properties;
    }

    @BeforeAll
    void setUp() {
        records.add("org_a", "lead", "lead", 6);
        flowId = createFlow(api, "Slow leads", List.of(
                Map.of("type", "template", "name", "Profile", "config", Map.of("template", "{{_record.name}}")),
                Map.of("type", "prompt", "name", "Qualify", "config",
                        Map.of("model", "gpt-4o", "userPrompt", "Qualify {{profile}}"))));
    }

    @AfterAll
    void stop() {
        records.close();
        provider.close();
    }

    @Test
    void cancelAbortsModelCallsInFlightWithRecordsSideBySide() {
        cancelMidCall(Map.of("recordConcurrency", 3, "maxRetries", 2), 3);
    }

    @Test
    void cancelAbortsTheModelCallOfARecordRunningOnTheConsumerThread() {
        cancelMidCall(Map.of(), 1);
    }

    private void cancelMidCall(Map<String, Object> options, int inFlight) {
        provider.reset();
        int abandonedBefore = provider.abandonedByClient();
        provider.answerByDefault(FakeModelServer.Reply.openAi("late", 100, 20, 0).trickled(20_000));
        String batchId = api.post("/v1/batch/flow", Map.of("flowId", flowId, "recordType", "lead", "options", options), ORG_A)
                .assertStatus(202).string("batchExecutionId");
        Poll.until(() -> provider.requests().size(), n -> n >= inFlight, Duration.ofSeconds(30));

        long cancelledAt = System.nanoTime();
        Reply cancelled = api.post("/v1/batch/" + batchId + "/cancel", "", ORG_A).assertStatus(200);
        assertThat(cancelled.body()).containsEntry("status", "cancelled").containsEntry("processedRecords", 0)
                .containsEntry("failedRecords", 0).containsEntry("totalRecords", 6);

        // the provider sees its connections closed, long before its 20 s answer
        Poll.until(provider::abandonedByClient, n -> n - abandonedBefore >= inFlight, Duration.ofSeconds(5));
        assertThat((System.nanoTime() - cancelledAt) / 1_000_000).as("ms until the calls were aborted").isLessThan(5_000);

        // no record of the cancelled batch is recorded, retried or started afterwards
        provider.answerByDefault(FakeModelServer.Reply.openAi("fast", 10, 2, 0));
        int callsAfterCancel = provider.requests().size();
        String next = api.post("/v1/batch/flow", Map.of("flowId", flowId, "recordIds", List.of("lead_01", "lead_02")), ORG_A)
                .assertStatus(202).string("batchExecutionId");
        // the workers are free at once (not waiting for the 20 s answers) and healthy (the interrupt did not leak)
        assertThat(awaitFinishedBatch(api, next, Duration.ofSeconds(10))).containsEntry("status", "completed")
                .containsEntry("processedRecords", 2);
        assertThat(provider.requests().size() - callsAfterCancel).as("only the next batch's calls").isEqualTo(2);

        Map<String, Object> later = api.get("/v1/batch/status/" + batchId, ORG_A).assertStatus(200).body();
        assertThat(later).containsEntry("status", "cancelled").containsEntry("processedRecords", 0)
                .containsEntry("failedRecords", 0);
        assertThat(new java.math.BigDecimal(later.get("totalCostUsd").toString())).isZero();
        assertThat(query(env, "SELECT count(*) AS n FROM flow_executions WHERE batch_id = ?", batchId).getFirst().get("n"))
                .isEqualTo(0L);
        // idempotent
        assertThat(api.post("/v1/batch/" + batchId + "/cancel", "", ORG_A).assertStatus(200).body())
                .containsEntry("status", "cancelled").containsEntry("processedRecords", 0);
    }
}
