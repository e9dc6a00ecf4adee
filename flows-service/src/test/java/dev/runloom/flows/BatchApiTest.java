package dev.runloom.flows;

import dev.runloom.common.tenant.InternalTokens;
import dev.runloom.common.tenant.Tenant;
import dev.runloom.testsupport.ApiClient;
import dev.runloom.testsupport.ApiClient.Reply;
import dev.runloom.testsupport.FakeModelServer;
import dev.runloom.testsupport.Poll;
import dev.runloom.testsupport.ServiceTest;
import dev.runloom.testsupport.ServiceTestEnvironment;
import io.micronaut.json.JsonMapper;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static dev.runloom.flows.FlowFixtures.awaitFinishedBatch;
import static dev.runloom.flows.FlowFixtures.createFlow;
import static dev.runloom.flows.FlowFixtures.query;
import static dev.runloom.testsupport.TestTenants.ORG_A;
import static dev.runloom.testsupport.TestTenants.ORG_B;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The batch API (reference §3.6 B1–B5): submit by ids or by type and filter, status with results,
 * summary, cost, cancel, a record's cost and steps, and live progress as Server-Sent Events. Records
 * come from a fake records-service, model calls go to a fake OpenAI-compatible server on loopback.
 */
@ServiceTest("flows")
class BatchApiTest implements TestPropertyProvider {
    @Inject ApiClient<Tenant> api;
    @Inject ServiceTestEnvironment env;
    @Inject JsonMapper json;
    @Inject EmbeddedServer server;
    @Inject InternalTokens tokens;
    final FakeRecordsService records = new FakeRecordsService(1000);
    final FakeModelServer provider = new FakeModelServer();
    private String flowId;

    @Override
    public Map<String, String> getProperties() {
        Map<String, String> properties = new HashMap<>(records.serviceProperties());
        properties.putAll(FlowFixtures.gpt4oOn(provider));
        // counters move once per poll of work items: small polls make "mid-batch" observable
        properties.put("runloom.kafka.max-poll-records", "2");
        return properties;
    }

    @BeforeAll
    void setUp() {
        records.add("org_a", "lead", "lead", 12);
        records.add("org_a", "slow", "slow", 40);
        records.add("org_b", "lead", "b_lead", 2);
        provider.answerByDefault(FakeModelServer.Reply.openAi("ok", 100, 20, 0));
        flowId = createFlow(api, "Batch leads", List.of(
                Map.of("type", "template", "name", "Profile", "config",
                        Map.of("template", "{{_record.name}} ({{_record.metadata.industry}})")),
                Map.of("type", "prompt", "name", "Qualify", "config",
                        Map.of("model", "gpt-4o", "userPrompt", "Qualify {{profile}}"))));
    }

    @AfterAll
    void stop() {
        records.close();
        provider.close();
    }

    @Test
    void aBatchOfRecordIdsRunsTheFoundRecordsAndEveryEndpointDescribesIt() {
        Reply submitted = api.post("/v1/batch/flow", Map.of("flowId", flowId,
                "recordIds", List.of("lead_01", "lead_03", "lead_03", "no_such_record", "b_lead_01"),
                "options", Map.of("maxRetries", 1, "recordConcurrency", 2)), ORG_A);

        assertThat(submitted.status()).as(submitted.raw()).isEqualTo(202);
        String batchId = submitted.string("batchExecutionId");
        assertThat(submitted.body()).containsOnlyKeys("batchExecutionId", "status").containsEntry("status", "queued");
        assertThat(batchId).startsWith("batch_");

        // duplicates count once; an unknown id and another organization's id are not found and not counted
        Map<String, Object> status = awaitFinishedBatch(api, batchId, Duration.ofSeconds(30));
        assertThat(status).containsEntry("status", "completed").containsEntry("totalRecords", 2)
                .containsEntry("processedRecords", 2).containsEntry("failedRecords", 0)
                .containsEntry("successCount", 2).containsEntry("progress", 100).doesNotContainKey("results");

        Reply withResults = api.get("/v1/batch/status/" + batchId + "?includeResults=true", ORG_A).assertStatus(200);
        assertThat(withResults.list("results")).hasSize(2).allSatisfy(r -> {
            assertThat(r).containsKeys("recordId", "record", "recordResultId", "flowId", "flowName", "agentExecutionId",
                    "status", "error", "executedAt", "failedAt", "createdAt");
            assertThat(r).containsEntry("status", "success").containsEntry("flowName", "Batch leads");
        });
        assertThat(withResults.list("results")).extracting(r -> r.get("recordId"))
                .containsExactlyInAnyOrder("lead_01", "lead_03");
        assertThat(api.get("/v1/batch/status/" + batchId + "?includeResults=true&limit=1&offset=1", ORG_A)
                .list("results")).hasSize(1);

        Reply cost = api.get("/v1/batch/" + batchId + "/cost", ORG_A).assertStatus(200);
        assertThat(cost.body()).containsOnlyKeys("batchExecutionId", "totalCostUsd").containsEntry("batchExecutionId", batchId);
        BigDecimal total = new BigDecimal(cost.body().get("totalCostUsd").toString());
        assertThat(total).isEqualByComparingTo(new BigDecimal(status.get("totalCostUsd").toString())).isPositive();

        Reply recordCost = api.get("/v1/batch/" + batchId + "/records/lead_03/cost", ORG_A).assertStatus(200);
        assertThat(recordCost.body()).containsEntry("batchExecutionId", batchId).containsEntry("recordId", "lead_03")
                .containsEntry("executionCount", 1).containsEntry("totalTokens", 120)
                .containsEntry("promptTokens", 100).containsEntry("completionTokens", 20);
        BigDecimal recordTotal = new BigDecimal(recordCost.body().get("totalCost").toString());
        assertThat(recordTotal.multiply(BigDecimal.TWO)).isEqualByComparingTo(total);
        assertThat(recordCost.list("modelBreakdown")).singleElement()
                .satisfies(m -> assertThat(m).containsEntry("tokens", 120).containsEntry("count", 1));

        Reply steps = api.get("/v1/batch/" + batchId + "/records/lead_01/steps", ORG_A).assertStatus(200);
        assertThat(steps.data()).extracting(s -> s.get("stepType")).containsExactly("template", "prompt");
        assertThat(steps.data()).allSatisfy(s -> assertThat(s).containsEntry("batchExecutionId", batchId)
                .containsEntry("recordId", "lead_01").containsEntry("status", "completed"));

        // a record that is not part of the batch
        api.get("/v1/batch/" + batchId + "/records/lead_02/cost", ORG_A).assertProblem(404, "not_found");
        api.get("/v1/batch/" + batchId + "/records/b_lead_01/steps", ORG_A).assertProblem(404, "not_found");

        Reply summary = api.get("/v1/batch/summary", ORG_A).assertStatus(200);
        assertThat(summary.body()).containsOnlyKeys("activeBatches", "batches", "recent", "recentlyCompleted");
        assertThat(summary.list("recent")).filteredOn(b -> batchId.equals(b.get("id"))).singleElement()
                .satisfies(b -> assertThat(b).containsOnlyKeys("id", "flowName", "status", "progress", "totalRecords",
                                "processedRecords", "failedRecords", "startedAt")
                        .containsEntry("flowName", "Batch leads").containsEntry("status", "completed")
                        .containsEntry("progress", 100).containsEntry("totalRecords", 2));
        assertThat(((Number) summary.body().get("recentlyCompleted")).intValue()).isPositive();

        // cancelling a finished batch is a conflict, and changes nothing
        api.post("/v1/batch/" + batchId + "/cancel", "", ORG_A).assertProblem(409, "batch_finished");
        assertThat(api.get("/v1/batch/status/" + batchId, ORG_A).body()).containsEntry("status", "completed");
    }

    @Test
    void aBatchOfARecordTypeTakesTheRecordsListFilter() {
        Map<String, Object> filter = Map.of("where",
                List.of(Map.of("field", "metadata.industry", "op", "eq", "value", "industry-3")));
        String batchId = api.post("/v1/batch/flow", Map.of("flowId", flowId, "recordType", "lead", "filter", filter), ORG_A)
                .assertStatus(202).string("batchExecutionId");
        assertThat(awaitFinishedBatch(api, batchId, Duration.ofSeconds(30))).containsEntry("totalRecords", 1)
                .containsEntry("processedRecords", 1);
        assertThat(api.get("/v1/batch/status/" + batchId + "?includeResults=true", ORG_A).list("results"))
                .extracting(r -> r.get("recordId")).containsExactly("lead_03");

        // the whole type
        String whole = api.post("/v1/batch/flow", Map.of("flowId", flowId, "recordType", "lead"), ORG_A)
                .assertStatus(202).string("batchExecutionId");
        assertThat(awaitFinishedBatch(api, whole, Duration.ofSeconds(30))).containsEntry("processedRecords", 12);

        // no record matches: finished at once
        Reply none = api.post("/v1/batch/flow", Map.of("flowId", flowId, "recordType", "no-such-type"), ORG_A)
                .assertStatus(202);
        assertThat(none.body()).containsEntry("status", "completed");

        // a filter records-service refuses is the caller's 400
        Reply refused = api.post("/v1/batch/flow", Map.of("flowId", flowId, "recordType", "lead", "filter",
                Map.of("where", List.of(Map.of("field", "nope", "op", "eq", "value", 1)))), ORG_A);
        refused.assertProblem(400, "invalid_parameter");
        assertThat(refused.string("detail")).contains("unknown field");
    }

    @Test
    void badSubmissionsAreClear400sAndUnknownFlowsA404() {
        api.post("/v1/batch/flow", "{\"flowId\": ", ORG_A).assertProblem(400, "malformed_json");
        assertThat(api.post("/v1/batch/flow", "[]", ORG_A).status()).isEqualTo(400);
        assertThat(api.post("/v1/batch/flow", "", ORG_A).status()).isEqualTo(400);
        api.post("/v1/batch/flow", Map.of("recordType", "lead"), ORG_A).assertProblem(400, "validation_failed");
        api.post("/v1/batch/flow", Map.of("flowId", flowId), ORG_A).assertProblem(400, "validation_failed");
        api.post("/v1/batch/flow", Map.of("flowId", flowId, "recordIds", List.of()), ORG_A)
                .assertProblem(400, "validation_failed");
        List<String> tooMany = IntStream.rangeClosed(1, 10_001).mapToObj(i -> "r" + i).toList();
        Reply oversized = api.post("/v1/batch/flow", Map.of("flowId", flowId, "recordIds", tooMany), ORG_A)
                .assertProblem(400, "validation_failed");
        assertThat(oversized.string("detail")).contains("10000");
        assertThat(api.post("/v1/batch/flow", Map.of("flowId", flowId, "recordIds", "lead_01"), ORG_A).status())
                .isEqualTo(400);
        assertThat(api.post("/v1/batch/flow", Map.of("flowId", 42, "recordType", "lead"), ORG_A).status())
                .isEqualTo(400);
        api.post("/v1/batch/flow", Map.of("flowId", "a\u0000b", "recordType", "lead"), ORG_A)
                .assertProblem(400, "invalid_text");
        api.post("/v1/batch/flow", Map.of("flowId", flowId, "recordIds", List.of("ok", "x\u0000")), ORG_A)
                .assertProblem(400, "invalid_text");
        api.post("/v1/batch/flow", Map.of("flowId", flowId, "recordType", "\ud800"), ORG_A)
                .assertProblem(400, "invalid_text");
        api.post("/v1/batch/flow", Map.of("flowId", flowId, "recordIds", List.of("x".repeat(256))), ORG_A)
                .assertProblem(400, "validation_failed");
        api.post("/v1/batch/flow", Map.of("flowId", flowId, "recordType", "lead",
                "options", Map.of("recordConcurrency", 0)), ORG_A).assertProblem(400, "validation_failed");
        api.post("/v1/batch/flow", Map.of("flowId", flowId, "recordType", "lead",
                "options", Map.of("maxRetries", 11)), ORG_A).assertProblem(400, "validation_failed");
        assertThat(api.post("/v1/batch/flow", Map.of("flowId", flowId, "recordType", "lead",
                "options", Map.of("maxRetries", "many")), ORG_A).status()).isEqualTo(400);
        api.post("/v1/batch/flow", Map.of("flowId", flowId, "recordIds", List.of("lead_01"),
                "filter", Map.of("where", List.of(Map.of("field", "id", "op", "eq", "value", "x")))), ORG_A)
                .assertProblem(400, "validation_failed");
        api.post("/v1/batch/flow", Map.of("flowId", flowId, "recordType", "lead", "filter", 42), ORG_A)
                .assertProblem(400, "validation_failed");
        api.post("/v1/batch/flow", Map.of("flowId", flowId, "recordType", "lead", "filter", Map.of("where",
                List.of(Map.of("field", "name", "op", "eq", "value", "é".repeat(600))))), ORG_A)
                .assertProblem(400, "validation_failed");

        api.post("/v1/batch/flow", Map.of("flowId", "flow_unknown", "recordType", "lead"), ORG_A)
                .assertProblem(404, "not_found");
        api.post("/v1/batch/flow", Map.of("flowId", flowId, "recordType", "lead"), ORG_B)
                .assertProblem(404, "not_found");
        api.send(io.micronaut.http.HttpRequest.POST("/v1/batch/flow", Map.of("flowId", flowId, "recordType", "lead")))
                .assertProblem(401, "unauthorized");

        // bad batch ids and parameters
        api.get("/v1/batch/status/batch_unknown", ORG_A).assertProblem(404, "not_found");
        api.get("/v1/batch/status/%00", ORG_A).assertProblem(400, "invalid_text");
        api.get("/v1/batch/%27%20OR%201%3D1%20--/cost", ORG_A).assertProblem(404, "not_found");
        api.get("/v1/batch/" + "x".repeat(10_000) + "/cost", ORG_A);
        api.post("/v1/batch/batch_unknown/cancel", "", ORG_A).assertProblem(404, "not_found");
        api.get("/v1/batch/batch_unknown/events", ORG_A).assertProblem(404, "not_found");
        api.get("/v1/batch/batch_unknown/records/r/cost", ORG_A).assertProblem(404, "not_found");
        api.get("/v1/batch/batch_unknown/records/r/steps", ORG_A).assertProblem(404, "not_found");
    }

    @Test
    void anotherOrganizationSeesNoneOfABatch() {
        String batchId = api.post("/v1/batch/flow", Map.of("flowId", flowId, "recordIds", List.of("lead_05")), ORG_A)
                .assertStatus(202).string("batchExecutionId");
        awaitFinishedBatch(api, batchId, Duration.ofSeconds(30));
        api.get("/v1/batch/status/" + batchId, ORG_B).assertProblem(404, "not_found");
        api.get("/v1/batch/status/" + batchId + "?includeResults=true", ORG_B).assertProblem(404, "not_found");
        api.get("/v1/batch/" + batchId + "/cost", ORG_B).assertProblem(404, "not_found");
        api.post("/v1/batch/" + batchId + "/cancel", "", ORG_B).assertProblem(404, "not_found");
        api.get("/v1/batch/" + batchId + "/records/lead_05/cost", ORG_B).assertProblem(404, "not_found");
        api.get("/v1/batch/" + batchId + "/records/lead_05/steps", ORG_B).assertProblem(404, "not_found");
        api.get("/v1/batch/" + batchId + "/events", ORG_B).assertProblem(404, "not_found");
        Reply summary = api.get("/v1/batch/summary", ORG_B).assertStatus(200);
        List<Object> ids = new ArrayList<>();
        summary.list("batches").forEach(b -> ids.add(b.get("id")));
        summary.list("recent").forEach(b -> ids.add(b.get("id")));
        assertThat(ids).doesNotContain(batchId);
        assertThat(api.get("/v1/batch/summary", ORG_A).list("recent")).extracting(b -> b.get("id")).contains(batchId);
    }

    @Test
    void cancellingMidBatchFreezesExactCountersAndWritesNoMoreResults() throws InterruptedException {
        provider.answerByDefault(FakeModelServer.Reply.openAi("ok", 100, 20, 0).delayed(150));
        try {
            String batchId = api.post("/v1/batch/flow", Map.of("flowId", flowId, "recordType", "slow"), ORG_A)
                    .assertStatus(202).string("batchExecutionId");
            Poll.until(() -> api.get("/v1/batch/status/" + batchId, ORG_A).body(),
                    s -> ((Number) s.get("processedRecords")).intValue() >= 4, Duration.ofSeconds(30));
            assertThat(api.get("/v1/batch/summary", ORG_A).list("batches")).extracting(b -> b.get("id")).contains(batchId);

            Reply cancelled = api.post("/v1/batch/" + batchId + "/cancel", "", ORG_A).assertStatus(200);
            assertThat(cancelled.body()).containsEntry("status", "cancelled").containsEntry("totalRecords", 40);
            int processed = ((Number) cancelled.body().get("processedRecords")).intValue();
            assertThat(processed).isBetween(4, 38);
            assertThat((String) cancelled.string("completedAt")).isNotNull();

            // idempotent
            Reply again = api.post("/v1/batch/" + batchId + "/cancel", "", ORG_A).assertStatus(200);
            assertThat(again.body()).isEqualTo(cancelled.body());

            // records under way when the cancel committed, and queued work items, add nothing
            Thread.sleep(1500);
            int callsAfterSettling = provider.requests().size();
            Map<String, Object> later = api.get("/v1/batch/status/" + batchId + "?includeResults=true&limit=1000", ORG_A)
                    .body();
            assertThat(later).containsEntry("status", "cancelled").containsEntry("processedRecords", processed)
                    .containsEntry("failedRecords", cancelled.body().get("failedRecords"))
                    .containsEntry("totalCostUsd", cancelled.body().get("totalCostUsd"));
            assertThat((List<?>) later.get("results")).hasSize(processed);
            assertThat(((Number) later.get("progress")).intValue()).isLessThan(100);
            assertThat(query(env, "SELECT count(*) AS n FROM flow_executions WHERE batch_id = ?", batchId).getFirst().get("n"))
                    .isEqualTo((long) processed);
            assertThat(query(env, "SELECT count(DISTINCT record_id) AS n FROM step_results WHERE batch_id = ?", batchId)
                    .getFirst().get("n")).isEqualTo((long) processed);
            Thread.sleep(700);
            assertThat(provider.requests().size()).as("no model call after the cancel settled")
                    .isEqualTo(callsAfterSettling);
            assertThat(api.get("/v1/batch/summary", ORG_A).list("recent")).filteredOn(b -> batchId.equals(b.get("id")))
                    .singleElement().satisfies(b -> assertThat(b).containsEntry("status", "cancelled"));
        } finally {
            provider.answerByDefault(FakeModelServer.Reply.openAi("ok", 100, 20, 0));
        }
    }

    @Test
    void progressStreamsAsServerSentEventsUntilTheBatchFinishes() throws IOException, InterruptedException {
        provider.answerByDefault(FakeModelServer.Reply.openAi("ok", 100, 20, 0).delayed(60));
        try {
            String batchId = api.post("/v1/batch/flow", Map.of("flowId", flowId, "recordType", "lead"), ORG_A)
                    .assertStatus(202).string("batchExecutionId");
            List<String> lines = readEvents(batchId);
            List<String> names = lines.stream().filter(l -> l.startsWith("event:")).map(l -> l.substring(6).trim()).toList();
            assertThat(names).isNotEmpty().last().isEqualTo("complete");
            assertThat(names.subList(0, names.size() - 1)).containsOnly("progress");
            assertThat(names).hasSizeGreaterThan(1); // 12 records × 60 ms: progress before the end
            List<String> data = lines.stream().filter(l -> l.startsWith("data:")).map(l -> l.substring(5).trim()).toList();
            assertThat(data).hasSameSizeAs(names);
            Map<?, ?> last = json.readValue(data.getLast(), Map.class);
            assertThat(last.get("batchExecutionId")).isEqualTo(batchId);
            assertThat(last.get("status")).isEqualTo("completed");
            assertThat(((Number) last.get("processedRecords")).intValue()).isEqualTo(12);
            assertThat(lines.stream().filter(l -> l.startsWith("id:")).map(l -> l.substring(3).trim()).toList())
                    .first().isEqualTo("0");

            // a finished batch: one frame, then the end
            assertThat(readEvents(batchId).stream().filter(l -> l.startsWith("event:")).toList())
                    .containsExactly("event: complete");
        } finally {
            provider.answerByDefault(FakeModelServer.Reply.openAi("ok", 100, 20, 0));
        }
    }

    /** Every line of the stream, read with a plain HTTP client until the server ends it. */
    private List<String> readEvents(String batchId) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(server.getURL() + "/v1/batch/" + batchId + "/events"))
                .header(InternalTokens.HEADER, tokens.sign(ORG_A)).header("Accept", "text/event-stream")
                .timeout(Duration.ofSeconds(60)).GET().build();
        try (HttpClient client = HttpClient.newHttpClient()) {
            HttpResponse<java.util.stream.Stream<String>> response = client.send(request,
                    HttpResponse.BodyHandlers.ofLines());
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("content-type").orElse("")).startsWith("text/event-stream");
            try (java.util.stream.Stream<String> body = response.body()) {
                return body.toList();
            }
        }
    }
}
