package dev.runloom.flows;

import dev.runloom.common.tenant.Tenant;
import dev.runloom.flows.events.FlowEvents;
import dev.runloom.testsupport.ApiClient.Reply;
import dev.runloom.testsupport.ApiClient;
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
import java.util.List;
import java.util.Map;

import static dev.runloom.flows.FlowFixtures.createFlow;
import static dev.runloom.testsupport.TestTenants.ORG_A;
import static dev.runloom.testsupport.TestTenants.ORG_B;
import static org.assertj.core.api.Assertions.assertThat;

/** Small batches run in the request (seed 003), their step results (seed 001), costs and events. */
@ServiceTest("flows")
class RunOnRecordTypeTest implements TestPropertyProvider {
    private static final BigDecimal MILLION = BigDecimal.valueOf(1_000_000);
    private static final BigDecimal INPUT_PRICE = new BigDecimal("0.15");
    private static final BigDecimal OUTPUT_PRICE = new BigDecimal("0.60");
    private static final String FLOW_NAME = "Customer summary";

    @Inject ApiClient<Tenant> api;
    @Inject ServiceTestEnvironment env;
    @Inject JsonMapper json;
    final FakeRecordsService records = new FakeRecordsService();
    EventCollector events;

    @Override
    public Map<String, String> getProperties() {
        return records.serviceProperties();
    }

    @BeforeAll
    void setUp() {
        events = EventCollector.flowEvents(env, json);
        records.add("org_a", "customer", "cust", 3);
        records.add("org_b", "customer", "other", 2); // never visible to org_a
    }

    private static Map<String, Object> describeStep() {
        return Map.of("type", "template", "name", "Describe Customer",
                "config", Map.of("template", "{{_record.name}} works in {{_record.metadata.industry}}"));
    }

    @AfterAll
    void stopCollectorAndFake() throws InterruptedException {
        events.close();
        records.close();
    }

    @Test
    void runsSmallBatchesInlineExactlyAsSeed003() {
        String flowId = createFlow(api, FLOW_NAME, List.of(describeStep(), Map.of("type", "prompt", "name", "Summarize",
                "config", Map.of("systemPrompt", "You summarize {{_record.type}} records.",
                        "userPrompt", "Summarize: {{previous_output}} | again: {{describe_customer}} | index {{_record.metadata.index}}"))));

        Reply reply = api.post("/v1/flows/" + flowId + "/run-on-record-type", Map.of("recordType", "customer"), ORG_A);

        assertThat(reply.status()).as(reply.raw()).isEqualTo(200);
        Map<String, Object> body = reply.body();
        assertThat(body).containsOnlyKeys("batchId", "completedAt", "executedImmediately", "failureCount", "flowId",
                "recordCount", "recordType", "results", "status", "success", "successCount");
        assertThat((String) body.get("batchId")).startsWith("batch_");
        assertThat((String) body.get("completedAt")).endsWith("Z");
        assertThat(body).containsEntry("executedImmediately", true).containsEntry("failureCount", 0)
                .containsEntry("flowId", flowId).containsEntry("recordCount", 3).containsEntry("recordType", "customer")
                .containsEntry("status", "completed").containsEntry("success", true).containsEntry("successCount", 3);
        List<Map<String, Object>> results = reply.list("results");
        assertThat(results).extracting(r -> r.get("recordId")).containsExactly("cust_01", "cust_02", "cust_03");
        for (Map<String, Object> result : results) {
            assertThat(result).containsOnlyKeys("recordId", "recordName", "success", "contextSteps", "error",
                    "executionId", "executionTime", "promptsExecuted");
            assertThat(result).containsEntry("success", true).containsEntry("contextSteps", 1)
                    .containsEntry("promptsExecuted", 1).containsEntry("error", "");
            assertThat((String) result.get("executionId")).startsWith("exec_");
            assertThat(result.get("executionTime")).isInstanceOf(Number.class);
        }
        assertThat(results.getFirst()).containsEntry("recordName", "Company cust 1");
        String batchId = (String) body.get("batchId");

        // step results: Liquid put the record's metadata and the previous step's output into the prompt
        Reply steps = api.get("/v1/flows/" + flowId + "/step-results?batchId=" + batchId
                + "&sortBy=order&sortOrder=asc&limit=100", ORG_A);
        assertThat(steps.status()).as(steps.raw()).isEqualTo(200);
        assertThat(steps.map("pagination")).isEqualTo(Map.of("limit", 100, "offset", 0, "returned", 6, "hasMore", false));
        List<Map<String, Object>> rows = steps.list("data");
        assertThat(rows).hasSize(6);
        BigDecimal batchCost = BigDecimal.ZERO;
        for (Map<String, Object> row : rows) {
            assertThat(row).containsOnlyKeys("id", "userId", "organizationId", "batchExecutionId", "executionSessionId",
                    "flowId", "flowVersionId", "recordId", "recordName", "stepId", "stepType", "stepName", "order",
                    "status", "startedAt", "completedAt", "durationMs", "outputPreview", "createdAt", "recordMetadata",
                    "stepConfig", "inputVariables", "resolvedPrompt", "modelUsed", "promptTokens", "completionTokens",
                    "totalTokens", "estimatedCost", "errorMessage", "retryCount");
            assertThat(row).containsEntry("userId", "user_a").containsEntry("organizationId", "org_a")
                    .containsEntry("batchExecutionId", batchId).containsEntry("flowId", flowId)
                    .containsEntry("status", "completed").containsEntry("recordMetadata", null)
                    .containsEntry("stepConfig", null).containsEntry("inputVariables", null)
                    .containsEntry("errorMessage", null).containsEntry("retryCount", 0);
            assertThat((String) row.get("id")).startsWith("sr_");
            assertThat((String) row.get("flowVersionId")).startsWith("flowver_");
            Map<String, Object> result = results.stream().filter(r -> r.get("recordId").equals(row.get("recordId")))
                    .findFirst().orElseThrow();
            assertThat(row.get("executionSessionId")).isEqualTo(result.get("executionId"));
            int index = Integer.parseInt(((String) row.get("recordId")).substring(5));
            String described = "Company cust " + index + " works in industry-" + index;
            if ("template".equals(row.get("stepType"))) {
                assertThat(row).containsEntry("order", 1).containsEntry("stepName", "Describe Customer")
                        .containsEntry("outputPreview", described).containsEntry("resolvedPrompt", null)
                        .containsEntry("modelUsed", null).containsEntry("promptTokens", null)
                        .containsEntry("totalTokens", null).containsEntry("estimatedCost", null);
            } else {
                assertThat(row).containsEntry("order", 2).containsEntry("stepType", "prompt")
                        .containsEntry("modelUsed", "local")
                        .containsEntry("resolvedPrompt", "Summarize: " + described + " | again: " + described
                                + " | index " + index);
                assertThat((String) row.get("outputPreview")).startsWith("Local model reply ");
                long prompt = ((Number) row.get("promptTokens")).longValue();
                long completion = ((Number) row.get("completionTokens")).longValue();
                assertThat(((Number) row.get("totalTokens")).longValue()).isEqualTo(prompt + completion);
                // the cost is a decimal string, non-zero, and exactly tokens × the configured price
                BigDecimal cost = new BigDecimal((String) row.get("estimatedCost"));
                BigDecimal expected = INPUT_PRICE.multiply(BigDecimal.valueOf(prompt))
                        .add(OUTPUT_PRICE.multiply(BigDecimal.valueOf(completion))).divide(MILLION);
                assertThat(cost).isPositive().isEqualByComparingTo(expected);
                batchCost = batchCost.add(cost);
            }
        }

        Reply status = api.get("/v1/batch/status/" + batchId, ORG_A);
        assertThat(status.status()).isEqualTo(200);
        assertThat(status.body()).containsOnlyKeys("batchExecutionId", "flowId", "status", "totalRecords",
                "processedRecords", "failedRecords", "successCount", "progress", "startedAt", "completedAt", "totalCostUsd");
        assertThat(status.body()).containsEntry("batchExecutionId", batchId).containsEntry("status", "completed")
                .containsEntry("totalRecords", 3).containsEntry("processedRecords", 3).containsEntry("failedRecords", 0)
                .containsEntry("successCount", 3).containsEntry("progress", 100);
        assertThat(new BigDecimal(status.body().get("totalCostUsd").toString())).isEqualByComparingTo(batchCost);
        assertThat(api.get("/v1/flows/" + flowId, ORG_A).body().get("lastRunAt")).isNotNull();

        // events: one execution event per record with its prompt result, and the batch's start and end
        List<EventCollector.Event> executions = events.await(FlowEvents.RECORD_EXECUTION_COMPLETED.type(),
                e -> batchId.equals(e.data().get("batchId")), 3);
        assertThat(executions).hasSize(3);
        for (EventCollector.Event e : executions) {
            assertThat(e.key()).isEqualTo(((Map<?, ?>) e.data().get("record")).get("id"));
            assertThat(e.organizationId()).isEqualTo("org_a");
            assertThat(e.data()).containsEntry("success", true).containsEntry("flowName", "Customer summary")
                    .containsEntry("contextSteps", 1).containsEntry("promptsExecuted", 1).containsEntry("scheduleRunId", null);
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> promptResults = (List<Map<String, Object>>) e.data().get("results");
            assertThat(promptResults).hasSize(1);
            assertThat((String) promptResults.getFirst().get("resultId")).startsWith("res_");
            assertThat(promptResults.getFirst()).containsEntry("promptName", "Summarize").containsEntry("status", "completed")
                    .containsEntry("model", "local");
            assertThat((String) promptResults.getFirst().get("result")).startsWith("Local model reply ");
            // every step result travels with the execution (records-service projects them per record)
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> stepResults = (List<Map<String, Object>>) e.data().get("steps");
            assertThat(stepResults).extracting(step -> step.get("stepType")).containsExactly("template", "prompt");
            assertThat(stepResults.get(1)).containsEntry("stepName", "Summarize").containsEntry("status", "completed")
                    .containsEntry("order", 2).containsEntry("modelUsed", "local").containsKey("estimatedCost")
                    .containsKey("outputPreview").containsKey("durationMs");
            assertThat((String) stepResults.get(0).get("stepResultId")).isNotBlank();
        }
        assertThat(events.await(FlowEvents.BATCH_STARTED.type(), e -> batchId.equals(e.key()), 1)).singleElement()
                .satisfies(e -> assertThat(e.data()).containsEntry("executedImmediately", true).containsEntry("recordCount", 3));
        assertThat(events.await(FlowEvents.BATCH_COMPLETED.type(), e -> batchId.equals(e.key()), 1)).singleElement()
                .satisfies(e -> assertThat(e.data()).containsEntry("status", "completed").containsEntry("successCount", 3)
                        .containsEntry("failureCount", 0).containsEntry("error", null));
    }

    @Test
    void stepResultsFilterSortAndPage() {
        String flowId = createFlow(api, FLOW_NAME, List.of(describeStep(), Map.of("type", "prompt", "name", "Summarize",
                "config", Map.of("userPrompt", "Summarize {{previous_output}}"))));
        String batchId = (String) api.post("/v1/flows/" + flowId + "/run-on-record-type",
                Map.of("recordType", "customer"), ORG_A).body().get("batchId");
        String base = "/v1/flows/" + flowId + "/step-results";

        Reply first = api.get(base + "?limit=4", ORG_A);
        assertThat(first.map("pagination")).isEqualTo(Map.of("limit", 4, "offset", 0, "returned", 4, "hasMore", true));
        Reply second = api.get(base + "?limit=4&offset=4", ORG_A);
        assertThat(second.map("pagination")).isEqualTo(Map.of("limit", 4, "offset", 4, "returned", 2, "hasMore", false));
        List<Object> ids = new java.util.ArrayList<>();
        first.list("data").forEach(r -> ids.add(r.get("id")));
        second.list("data").forEach(r -> ids.add(r.get("id")));
        assertThat(ids).doesNotHaveDuplicates().hasSize(6);
        // default order: newest first
        List<Instant> created = api.get(base, ORG_A).list("data").stream()
                .map(r -> Instant.parse((String) r.get("createdAt"))).toList();
        assertThat(created).isSortedAccordingTo(java.util.Comparator.reverseOrder());

        assertThat(api.get(base + "?recordId=cust_02", ORG_A).list("data")).hasSize(2)
                .allSatisfy(r -> assertThat(r).containsEntry("recordId", "cust_02"));
        String promptStepId = (String) api.get("/v1/flows/" + flowId, ORG_A).list("flowSteps").get(1).get("id");
        assertThat(api.get(base + "?stepId=" + promptStepId, ORG_A).list("data")).hasSize(3)
                .allSatisfy(r -> assertThat(r).containsEntry("stepType", "prompt"));
        assertThat(api.get(base + "?batchId=" + batchId + "&status=completed", ORG_A).list("data")).hasSize(6);
        assertThat(api.get(base + "?status=failed", ORG_A).list("data")).isEmpty();
        assertThat(api.get(base + "?batchId=batch_other", ORG_A).list("data")).isEmpty();
        assertThat(api.get(base + "?from=2999-01-01", ORG_A).list("data")).isEmpty();
        assertThat(api.get(base + "?to=2000-01-01T00:00:00Z", ORG_A).list("data")).isEmpty();
        assertThat(api.get(base + "?sortBy=order&sortOrder=desc", ORG_A).list("data").getFirst()).containsEntry("order", 2);
        assertThat(api.get(base + "?sortBy=order&sortOrder=asc", ORG_A).list("data").getFirst()).containsEntry("order", 1);
        assertThat(api.get(base + "?sortBy=status", ORG_A).status()).isEqualTo(200);
        assertThat(api.get(base + "?sortBy=durationMs&sortOrder=desc", ORG_A).status()).isEqualTo(200);
        // another organization sees nothing of it
        assertThat(api.get(base, ORG_B).status()).isEqualTo(404);
    }

    @Test
    void aFailingStepFailsTheRecordAndSkipsLaterSteps() {
        String flowId = createFlow(api, FLOW_NAME, List.of(describeStep(),
                Map.of("type", "prompt", "name", "Ask a missing model",
                        "config", Map.of("userPrompt", "About {{_record.name}}", "model", "no-such-model",
                                "errorHandling", Map.of("onError", "fail"))), // hard-fail: the rest is skipped
                Map.of("type", "template", "name", "Never runs", "config", Map.of("template", "unreachable")),
                Map.of("type", "template", "name", "Disabled", "enabled", false, "config", Map.of("template", "off"))));

        Reply reply = api.post("/v1/flows/" + flowId + "/run-on-record-type", Map.of("recordType", "customer"), ORG_A);

        assertThat(reply.status()).as(reply.raw()).isEqualTo(200);
        assertThat(reply.body()).containsEntry("success", false).containsEntry("status", "failed")
                .containsEntry("failureCount", 3).containsEntry("successCount", 0).containsEntry("recordCount", 3);
        assertThat(reply.list("results")).allSatisfy(r -> {
            assertThat(r).containsEntry("success", false).containsEntry("contextSteps", 1).containsEntry("promptsExecuted", 1);
            assertThat((String) r.get("error")).contains("Ask a missing model").contains("no-such-model");
        });
        List<Map<String, Object>> rows = api.get("/v1/flows/" + flowId
                + "/step-results?recordId=cust_01&sortBy=order&sortOrder=asc", ORG_A).list("data");
        assertThat(rows).extracting(r -> r.get("status")).containsExactly("completed", "failed", "skipped", "skipped");
        assertThat(rows.get(1)).containsEntry("resolvedPrompt", "About Company cust 1")
                .containsEntry("modelUsed", "no-such-model").containsEntry("estimatedCost", null)
                .containsEntry("outputPreview", null);
        assertThat((String) rows.get(1).get("errorMessage")).contains("no-such-model");

        // a Liquid error while rendering fails the record the same way
        String liquidFlow = createFlow(api, FLOW_NAME, List.of(Map.of("type", "template", "name", "Divide",
                "config", Map.of("template", "{{ _record.metadata.index | divided_by: 0 }}"))));
        Reply liquid = api.post("/v1/flows/" + liquidFlow + "/run-on-record-type", Map.of("recordType", "customer"), ORG_A);
        assertThat(liquid.body()).containsEntry("status", "failed").containsEntry("success", false);
        assertThat((String) liquid.list("results").getFirst().get("error")).contains("Divide");
        // a flow without prompt steps reports its last step as the record's result
        assertThat(events.await(FlowEvents.RECORD_EXECUTION_COMPLETED.type(), e -> liquidFlow.equals(e.data().get("flowId")), 3))
                .hasSize(3).allSatisfy(e -> assertThat((List<?>) e.data().get("results")).singleElement()
                        .satisfies(r -> assertThat(((Map<?, ?>) r).get("promptName")).isEqualTo("Divide")));

        List<EventCollector.Event> failed = events.await(FlowEvents.RECORD_EXECUTION_COMPLETED.type(),
                e -> flowId.equals(e.data().get("flowId")), 3);
        assertThat(failed).hasSize(3).allSatisfy(e -> {
            assertThat(e.data()).containsEntry("success", false).containsEntry("status", "failed");
            assertThat((List<?>) e.data().get("results")).singleElement()
                    .satisfies(r -> assertThat(((Map<?, ?>) r).get("status")).isEqualTo("failed"));
        });
    }

    @Test
    void aTypeWithoutRecordsIsAnEmptyCompletedBatch() {
        String flowId = createFlow(api, FLOW_NAME, List.of(describeStep()));
        Reply reply = api.post("/v1/flows/" + flowId + "/run-on-record-type", Map.of("recordType", "nobody"), ORG_A);
        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.body()).containsEntry("recordCount", 0).containsEntry("results", List.of())
                .containsEntry("status", "completed").containsEntry("success", true)
                .containsEntry("successCount", 0).containsEntry("failureCount", 0);
    }
}
