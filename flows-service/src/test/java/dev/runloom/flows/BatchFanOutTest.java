package dev.runloom.flows;

import dev.runloom.common.tenant.Tenant;
import dev.runloom.flows.events.FlowEvents;
import dev.runloom.kernel.events.CloudEventCodec;
import dev.runloom.schedules.events.ScheduleEvents;
import dev.runloom.schedules.events.ScheduleRunRequestedV1;
import dev.runloom.testsupport.ApiClient.Reply;
import dev.runloom.testsupport.ApiClient;
import dev.runloom.testsupport.KafkaTestTopics;
import dev.runloom.testsupport.Poll;
import dev.runloom.testsupport.ServiceTest;
import dev.runloom.testsupport.ServiceTestEnvironment;
import io.micronaut.json.JsonMapper;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static dev.runloom.flows.FlowFixtures.createFlow;
import static dev.runloom.testsupport.TestTenants.ORG_A;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Large batches (202, fanned out over Kafka, counted to completion) and batches started by schedule
 * runs. Work items are queued in chunks of 5 here, so a batch's first chunk goes to the outbox with
 * the request and the rest through {@code batch_pending_work} and the fan-out (BatchFanOut).
 */
@ServiceTest("flows")
class BatchFanOutTest implements TestPropertyProvider {
    @Inject ApiClient<Tenant> api;
    @Inject ServiceTestEnvironment env;
    @Inject JsonMapper json;
    @Inject KafkaTestTopics kafka;
    final FakeRecordsService records = new FakeRecordsService();
    EventCollector events;
    private String flowId;

    @Override
    public Map<String, String> getProperties() {
        Map<String, String> properties = new java.util.HashMap<>(records.serviceProperties());
        properties.put("runloom.flows.fan-out-chunk", "5");
        return properties;
    }

    @BeforeAll
    void setUp() {
        events = EventCollector.flowEvents(env, json);
        records.add("org_a", "lead", "lead", 12);
        flowId = createFlow(api, "Qualify leads", List.of(
                Map.of("type", "template", "name", "Profile", "config",
                        Map.of("template", "{{_record.name}} ({{_record.metadata.industry}})")),
                Map.of("type", "prompt", "name", "Qualify", "config",
                        Map.of("userPrompt", "Qualify {{profile}}", "responseFormat", "json"))));
    }

    @AfterAll
    void stopCollectorAndFake() throws InterruptedException {
        events.close();
        records.close();
    }

    @Test
    void largeBatchesAreQueuedAndCompletedByTheWorkers() {
        Reply reply = api.post("/v1/flows/" + flowId + "/run-on-record-type", Map.of("recordType", "lead"), ORG_A);

        assertThat(reply.status()).as(reply.raw()).isEqualTo(202);
        String batchId = (String) reply.body().get("batchId");
        assertThat(batchId).startsWith("batch_");
        assertThat(reply.body()).isEqualTo(Map.of("success", true, "batchId", batchId, "flowId", flowId,
                "recordType", "lead", "recordCount", 12, "executedImmediately", false, "status", "queued",
                "successCount", 0, "failureCount", 0, "results", List.of()));
        // 12 records came in pages of at most 5 from records-service
        assertThat(records.requests).contains("org_a lead null", "org_a lead lead_05", "org_a lead lead_10");

        Map<String, Object> status = awaitFinished(batchId);
        assertThat(status).containsOnlyKeys("batchExecutionId", "flowId", "status", "totalRecords", "processedRecords",
                "failedRecords", "successCount", "progress", "startedAt", "completedAt", "totalCostUsd");
        assertThat(status).containsEntry("batchExecutionId", batchId).containsEntry("flowId", flowId)
                .containsEntry("status", "completed").containsEntry("totalRecords", 12)
                .containsEntry("processedRecords", 12).containsEntry("failedRecords", 0)
                .containsEntry("successCount", 12).containsEntry("progress", 100);
        assertThat((String) status.get("completedAt")).endsWith("Z");
        assertThat(status.get("totalCostUsd")).isInstanceOf(Number.class);
        BigDecimal total = new BigDecimal(status.get("totalCostUsd").toString());
        assertThat(total).isPositive();

        List<EventCollector.Event> executions = events.await(FlowEvents.RECORD_EXECUTION_COMPLETED.type(),
                e -> batchId.equals(e.data().get("batchId")), 12);
        assertThat(executions).hasSize(12);
        assertThat(executions).extracting(EventCollector.Event::key).doesNotHaveDuplicates();
        assertThat(executions).as("no schedule run: no runloomschedulerun extension")
                .extracting(EventCollector.Event::scheduleRun).containsOnlyNulls();
        BigDecimal sum = executions.stream().map(e -> new BigDecimal(e.data().get("totalCost").toString()))
                .reduce(BigDecimal.ZERO, BigDecimal::add);
        assertThat(sum).isEqualByComparingTo(total);
        assertThat(events.await(FlowEvents.BATCH_STARTED.type(), e -> batchId.equals(e.key()), 1)).singleElement()
                .satisfies(e -> assertThat(e.data()).containsEntry("executedImmediately", false)
                        .containsEntry("recordCount", 12).containsEntry("flowName", "Qualify leads"));
        assertThat(events.await(FlowEvents.BATCH_COMPLETED.type(), e -> batchId.equals(e.key()), 1)).singleElement()
                .satisfies(e -> assertThat(e.data()).containsEntry("status", "completed").containsEntry("recordCount", 12)
                        .containsEntry("successCount", 12).containsEntry("failureCount", 0))
                .satisfies(e -> assertThat(e.scheduleRun()).isNull());

        assertThat(FlowFixtures.query(env, "SELECT count(*) AS n FROM batch_pending_work WHERE batch_id = ?", batchId)
                .get(0)).as("every queued chunk was moved to the outbox").containsEntry("n", 0L);
        assertThat(FlowFixtures.query(env, "SELECT count(DISTINCT record_id) AS records, count(*) AS executions "
                + "FROM flow_executions WHERE batch_id = ?", batchId).get(0))
                .as("each record ran once: 5 work items with the request, 7 in two chunks after it")
                .containsEntry("records", 12L).containsEntry("executions", 12L);

        Reply steps = api.get("/v1/flows/" + flowId + "/step-results?limit=100&batchId=" + batchId, ORG_A);
        assertThat(steps.list("data")).hasSize(24).allSatisfy(r -> assertThat(r).containsEntry("status", "completed"));
        assertThat(steps.list("data")).filteredOn(r -> "prompt".equals(r.get("stepType"))).hasSize(12)
                .allSatisfy(r -> assertThat((String) r.get("resolvedPrompt")).matches("Qualify Company lead \\d+ \\(industry-\\d+\\)"));
    }

    @Test
    void aScheduleRunStartsAFannedOutBatchCarryingTheRunId() throws Exception {
        String runId = "run_" + UUID.randomUUID();
        requestScheduleRun(runId, "org_a", flowId, "lead", null);

        EventCollector.Event completed = events.await(FlowEvents.BATCH_COMPLETED.type(),
                e -> runId.equals(e.data().get("scheduleRunId")), 1).getFirst();
        assertThat(completed.data()).containsEntry("status", "completed").containsEntry("recordCount", 12)
                .containsEntry("flowId", flowId).containsEntry("organizationId", "org_a").containsEntry("error", null);
        // the run id also travels as the runloomschedulerun extension, which schedules-service filters on
        assertThat(completed.scheduleRun()).isEqualTo(runId);
        String batchId = completed.key();
        assertThat(events.await(FlowEvents.BATCH_STARTED.type(), e -> batchId.equals(e.key()), 1)).singleElement()
                .satisfies(e -> assertThat(e.data()).containsEntry("scheduleRunId", runId)
                        .containsEntry("executedImmediately", false))
                .satisfies(e -> assertThat(e.scheduleRun()).isEqualTo(runId));
        assertThat(events.await(FlowEvents.RECORD_EXECUTION_COMPLETED.type(), e -> runId.equals(e.data().get("scheduleRunId")), 12))
                .hasSize(12).allSatisfy(e -> assertThat(e.data()).containsEntry("batchId", batchId))
                .allSatisfy(e -> assertThat(e.scheduleRun()).isEqualTo(runId));
        assertThat(api.get("/v1/batch/status/" + batchId, ORG_A).body()).containsEntry("status", "completed")
                .containsEntry("processedRecords", 12);

        // a run over listed records of the type runs just those
        String listedRun = "run_" + UUID.randomUUID();
        requestScheduleRun(listedRun, "org_a", flowId, "lead", List.of("lead_02", "lead_07", "lead_99"));
        assertThat(events.await(FlowEvents.BATCH_COMPLETED.type(), e -> listedRun.equals(e.data().get("scheduleRunId")), 1))
                .singleElement().satisfies(e -> assertThat(e.data()).containsEntry("recordCount", 2));
    }

    @Test
    void aScheduleRunThatCannotStartEndsAsAFailedBatch() throws Exception {
        String unknownFlow = "run_" + UUID.randomUUID();
        requestScheduleRun(unknownFlow, "org_a", "flow_does_not_exist", "lead", null);
        String otherOrg = "run_" + UUID.randomUUID();
        requestScheduleRun(otherOrg, "org_b", flowId, "lead", null); // org_a's flow, requested for org_b

        for (String runId : List.of(unknownFlow, otherOrg)) {
            EventCollector.Event failed = events.await(FlowEvents.BATCH_COMPLETED.type(),
                    e -> runId.equals(e.data().get("scheduleRunId")), 1).getFirst();
            assertThat(failed.data()).containsEntry("status", "failed").containsEntry("recordCount", 0)
                    .containsEntry("successCount", 0).containsEntry("failureCount", 0);
            assertThat((String) failed.data().get("error")).contains("was not found");
            assertThat(failed.scheduleRun()).as("a batch that could not start still names its run").isEqualTo(runId);
        }
        assertThat(events.matching(FlowEvents.BATCH_STARTED.type(),
                e -> unknownFlow.equals(e.data().get("scheduleRunId")) || otherOrg.equals(e.data().get("scheduleRunId"))))
                .isEmpty();
    }

    @Test
    void aScheduleRunWaitsForRecordsServiceInsteadOfFailing() throws Exception {
        records.down(true);
        String runId = "run_" + UUID.randomUUID();
        try {
            requestScheduleRun(runId, "org_a", flowId, "lead", null);
            // it is retried while records-service is down (each attempt reaches the fake) …
            Poll.until(records::refusedRequests, refused -> refused >= 3);
            assertThat(events.matching(FlowEvents.BATCH_COMPLETED.type(), e -> runId.equals(e.data().get("scheduleRunId")))).isEmpty();
        } finally {
            records.down(false);
        }
        // … and completes once it is back
        assertThat(events.await(FlowEvents.BATCH_COMPLETED.type(), e -> runId.equals(e.data().get("scheduleRunId")), 1))
                .singleElement().satisfies(e -> assertThat(e.data()).containsEntry("status", "completed")
                        .containsEntry("recordCount", 12));
    }

    /** The batch's status once it finished; until then it must be queued or running. */
    private Map<String, Object> awaitFinished(String batchId) {
        return Poll.until(() -> {
            Map<String, Object> status = api.get("/v1/batch/status/" + batchId, ORG_A).assertStatus(200).body();
            if (status.get("completedAt") == null) {
                assertThat(status.get("status")).isIn("queued", "running");
            }
            return status;
        }, status -> status.get("completedAt") != null);
    }

    /** Publishes a run request the way schedules-service does: a CloudEvent on the schedule runs topic. */
    private void requestScheduleRun(String runId, String org, String flow, String recordType, List<String> recordIds)
            throws Exception {
        ScheduleRunRequestedV1 run = new ScheduleRunRequestedV1(runId, "sched_test", org, "user_sched", flow, null,
                recordType, recordIds, null, "manual", Instant.now(), null, null, null);
        var event = CloudEventCodec.build("evt_" + UUID.randomUUID(), "urn:runloom:schedules-service",
                ScheduleEvents.RUN_REQUESTED.type(), "sched_test", org, null, Instant.now().atOffset(ZoneOffset.UTC),
                json.writeValueAsBytes(run));
        kafka.produce(CloudEventCodec.toRecord(env.topic(ScheduleEvents.RUNS),
                "sched_test", event));
    }
}
