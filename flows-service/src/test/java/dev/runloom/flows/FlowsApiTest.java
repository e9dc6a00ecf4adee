package dev.runloom.flows;

import dev.runloom.common.tenant.Tenant;
import dev.runloom.testsupport.ApiClient.Reply;
import dev.runloom.testsupport.ApiClient;
import dev.runloom.testsupport.ServiceTest;
import io.micronaut.http.HttpRequest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static dev.runloom.flows.FlowFixtures.createFlow;
import static dev.runloom.flows.FlowFixtures.templateStep;
import static dev.runloom.testsupport.TestTenants.ORG_A;
import static dev.runloom.testsupport.TestTenants.ORG_B;
import static org.assertj.core.api.Assertions.assertThat;

/** Flows (create/get), and every endpoint's answers to bad input, unknown ids, other orgs and no token. */
@ServiceTest("flows")
class FlowsApiTest implements TestPropertyProvider {
    @Inject ApiClient<Tenant> api;
    final FakeRecordsService records = new FakeRecordsService();

    @Override
    public Map<String, String> getProperties() {
        return records.serviceProperties();
    }

    @AfterAll
    void stopFake() {
        records.close();
    }

    @Test
    void createsAndGetsAFlowWithStepsInOrder() {
        Reply created = api.post("/v1/flows", Map.of(
                "name", "Enrich customers",
                "description", "Describe, then summarize",
                // "steps" is accepted as a synonym of "flowSteps"; order wins over list position
                "steps", List.of(
                        Map.of("type", "prompt", "name", "Summarize It", "order", 2,
                                "config", Map.of("userPrompt", "Summarize {{previous_output}}")),
                        Map.of("id", "my_step", "type", "template", "name", "Describe", "order", 1, "enabled", true,
                                "config", Map.of("template", "{{_record.name}}", "outputVariable", "described")))), ORG_A);
        assertThat(created.status()).as(created.raw()).isEqualTo(201);
        Map<String, Object> flow = created.body();
        assertThat(flow).containsOnlyKeys("id", "name", "description", "flowSteps", "userId", "organizationId",
                "createdAt", "updatedAt", "lastRunAt", "stepCount", "status", "draftVersionId", "publishedVersionId");
        assertThat((String) flow.get("id")).startsWith("flow_");
        assertThat(flow).containsEntry("name", "Enrich customers").containsEntry("description", "Describe, then summarize")
                .containsEntry("userId", "user_a").containsEntry("organizationId", "org_a")
                .containsEntry("lastRunAt", null).containsEntry("stepCount", 2).containsEntry("status", "draft")
                .containsEntry("publishedVersionId", null);
        assertThat((String) flow.get("draftVersionId")).startsWith("flowver_");
        assertThat((String) flow.get("createdAt")).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");

        List<Map<String, Object>> steps = created.list("flowSteps");
        assertThat(steps).extracting(s -> s.get("name")).containsExactly("Describe", "Summarize It");
        assertThat(steps.get(0)).containsOnlyKeys("id", "type", "name", "order", "enabled", "config")
                .containsEntry("id", "my_step").containsEntry("order", 1).containsEntry("enabled", true);
        assertThat(steps.get(0).get("config")).isEqualTo(Map.of("template", "{{_record.name}}", "outputVariable", "described"));
        assertThat((String) steps.get(1).get("id")).startsWith("step_");
        assertThat(steps.get(1)).containsEntry("order", 2).containsEntry("enabled", true);
        // defaults made explicit: the local model, and an output variable from the step name
        assertThat(steps.get(1).get("config")).isEqualTo(Map.of("userPrompt", "Summarize {{previous_output}}",
                "model", "local", "outputVariable", "summarize_it"));

        Reply fetched = api.get("/v1/flows/" + flow.get("id"), ORG_A);
        assertThat(fetched.status()).isEqualTo(200);
        assertThat(fetched.body()).isEqualTo(flow);

        // another organization's flow is exactly as missing as a missing one
        api.get("/v1/flows/" + flow.get("id"), ORG_B).assertProblem(404, "not_found");
        api.get("/v1/flows/flow_nope", ORG_A).assertProblem(404, "not_found");
        Reply noToken = api.send(HttpRequest.GET("/v1/flows/" + flow.get("id")));
        noToken.assertProblem(401, "unauthorized");
    }

    @Test
    void flowStepsWinOverStepsAndAFlowMayHaveNoSteps() {
        Reply created = api.post("/v1/flows", Map.of("name", "Both",
                "flowSteps", List.of(templateStep("A", "a")), "steps", List.of(templateStep("B", "b"), templateStep("C", "c"))),
                ORG_A);
        assertThat(created.status()).isEqualTo(201);
        assertThat(created.list("flowSteps")).extracting(s -> s.get("name")).containsExactly("A");

        Reply empty = api.post("/v1/flows", Map.of("name", "Empty"), ORG_A);
        assertThat(empty.status()).isEqualTo(201);
        assertThat(empty.body()).containsEntry("stepCount", 0).containsEntry("description", null);
        assertThat(empty.list("flowSteps")).isEmpty();
    }

    @Test
    void rejectsInvalidFlows() {
        api.post("/v1/flows", Map.of("description", "no name"), ORG_A).assertProblem(400, "validation_failed");
        api.post("/v1/flows", Map.of("name", "  "), ORG_A).assertProblem(400, "validation_failed");
        api.post("/v1/flows", Map.of("name", "x".repeat(256)), ORG_A).assertProblem(400, "validation_failed");

        Reply unsupported = api.post("/v1/flows", Map.of("name", "F", "flowSteps", List.of(
                templateStep("Fine", "ok"),
                Map.of("type", "send-email", "name", "Mail it", "config", Map.of("to", "a@example.com")))), ORG_A);
        unsupported.assertProblem(400, "unsupported_step_type");
        assertThat((String) unsupported.body().get("detail")).contains("Mail it").contains("send-email")
                .contains("prompt, retrieve-record, send-event, set-variable, template");

        Reply noTemplate = api.post("/v1/flows", Map.of("name", "F", "flowSteps", List.of(
                Map.of("type", "template", "name", "Render", "config", Map.of("outputVariable", "x")))), ORG_A);
        noTemplate.assertProblem(400, "validation_failed");
        assertThat((String) noTemplate.body().get("detail")).contains("Render").contains("config.template");

        Reply noPrompt = api.post("/v1/flows", Map.of("name", "F", "flowSteps", List.of(
                Map.of("type", "prompt", "name", "Ask", "config", Map.of("systemPrompt", "be nice")))), ORG_A);
        noPrompt.assertProblem(400, "validation_failed");
        assertThat((String) noPrompt.body().get("detail")).contains("Ask").contains("config.userPrompt");

        api.post("/v1/flows", Map.of("name", "F", "flowSteps", List.of(
                Map.of("type", "prompt", "name", "Ask", "config", Map.of("userPrompt", 42)))), ORG_A)
                .assertProblem(400, "validation_failed");
        api.post("/v1/flows", Map.of("name", "F", "flowSteps", List.of(
                Map.of("type", "prompt", "name", "Ask", "config", Map.of("userPrompt", "hi", "responseFormat", "xml")))), ORG_A)
                .assertProblem(400, "validation_failed");
        api.post("/v1/flows", Map.of("name", "F", "flowSteps", List.of(
                Map.of("name", "No type", "config", Map.of()))), ORG_A).assertProblem(400, "validation_failed");
        api.post("/v1/flows", Map.of("name", "F", "flowSteps", List.of(
                Map.of("type", "template", "config", Map.of("template", "x")))), ORG_A).assertProblem(400, "validation_failed");
        api.post("/v1/flows", Map.of("name", "F", "flowSteps", List.of(
                Map.of("id", "same", "type", "template", "name", "One", "config", Map.of("template", "1")),
                Map.of("id", "same", "type", "template", "name", "Two", "config", Map.of("template", "2")))), ORG_A)
                .assertProblem(400, "validation_failed");
        api.post("/v1/flows", Map.of("name", "F", "flowSteps", List.of(
                templateStep("Same Name", "1"), templateStep("same name", "2"))), ORG_A).assertProblem(400, "validation_failed");
        api.post("/v1/flows", Map.of("name", "F", "flowSteps", List.of(
                Map.of("type", "template", "name", "T", "config", Map.of("template", "x", "outputVariable", "_record")))), ORG_A)
                .assertProblem(400, "validation_failed");

        Reply badLiquid = api.post("/v1/flows", Map.of("name", "F", "flowSteps", List.of(
                templateStep("Broken", "{% if _record.name %}never closed"))), ORG_A);
        badLiquid.assertProblem(400, "invalid_template");
        assertThat((String) badLiquid.body().get("detail")).contains("Broken");

        api.post("/v1/flows", "{\"name\": \"F\", ", ORG_A).assertProblem(400, "malformed_json");
        Reply wrongType = api.post("/v1/flows", "{\"name\": \"F\", \"flowSteps\": \"not a list\"}", ORG_A);
        assertThat(wrongType.status()).as(wrongType.raw()).isEqualTo(400);
        assertThat(wrongType.contentType()).startsWith("application/problem+json");
        assertThat(wrongType.body()).containsKey("code");
        api.send(HttpRequest.POST("/v1/flows", Map.of("name", "F"))).assertProblem(401, "unauthorized");
    }

    @Test
    void runOnRecordTypeRejectsBadInput() {
        String flowId = createFlow(api, "Runnable", List.of(templateStep("T", "{{_record.name}}")));
        String run = "/v1/flows/" + flowId + "/run-on-record-type";

        api.post(run, Map.of(), ORG_A).assertProblem(400, "validation_failed");
        api.post(run, Map.of("recordType", ""), ORG_A).assertProblem(400, "validation_failed");
        // text no record type can hold: refused at the edge (StrictInputFilter), never passed on to fail as a 503 or 500
        api.post(run, "{\"recordType\":\"a\\u0000b\"}", ORG_A).assertProblem(400, "invalid_text");
        api.post(run, "{\"recordType\":\"\\ud800\"}", ORG_A).assertProblem(400, "invalid_text");
        api.post(run, "{\"recordType\":\"\\udc00x\"}", ORG_A).assertProblem(400, "invalid_text");
        api.post(run, "{\"recordType\": ", ORG_A).assertProblem(400, "malformed_json");
        api.post("/v1/flows/flow_missing/run-on-record-type", Map.of("recordType", "customer"), ORG_A)
                .assertProblem(404, "not_found");
        api.post(run, Map.of("recordType", "customer"), ORG_B).assertProblem(404, "not_found");
        api.send(HttpRequest.POST(run, Map.of("recordType", "customer"))).assertProblem(401, "unauthorized");

        // records-service unavailable: 503, retryable, and nothing was started
        records.down(true);
        try {
            Reply unavailable = api.post(run, Map.of("recordType", "customer"), ORG_A);
            unavailable.assertProblem(503, "records_unavailable");
            assertThat(unavailable.body()).containsEntry("retryable", true);
        } finally {
            records.down(false);
        }
        assertThat(api.get("/v1/flows/" + flowId, ORG_A).body().get("lastRunAt")).isNull();
    }

    @Test
    void stepResultsAndBatchStatusRejectBadInput() {
        String flowId = createFlow(api, "Listed", List.of(templateStep("T", "x")));
        String base = "/v1/flows/" + flowId + "/step-results";

        Reply empty = api.get(base, ORG_A);
        assertThat(empty.status()).isEqualTo(200);
        assertThat(empty.list("data")).isEmpty();
        assertThat(empty.map("pagination")).isEqualTo(Map.of("limit", 25, "offset", 0, "returned", 0, "hasMore", false));

        for (String bad : List.of("limit=abc", "limit=0", "limit=101", "offset=-1", "offset=100001", "offset=x",
                "sortBy=name", "sortOrder=up", "from=yesterday", "to=2024-13-45", "status=done",
                "from=2024-06-02T00:00:00Z&to=2024-06-01T00:00:00Z")) {
            Reply reply = api.get(base + "?" + bad, ORG_A);
            reply.assertProblem(400, "invalid_parameter");
            String parameter = bad.startsWith("from=2024") ? "from" : bad.substring(0, bad.indexOf('='));
            assertThat((String) reply.body().get("detail")).as(bad).contains("'" + parameter + "'");
        }
        assertThat(api.get(base + "?limit=100&offset=100000&sortBy=durationMs&sortOrder=ASC&status=failed"
                + "&from=2024-06-01&to=2024-06-02T00:00:00Z", ORG_A).status()).isEqualTo(200);

        api.get("/v1/flows/flow_missing/step-results", ORG_A).assertProblem(404, "not_found");
        api.get(base, ORG_B).assertProblem(404, "not_found");
        api.send(HttpRequest.GET(base)).assertProblem(401, "unauthorized");

        api.get("/v1/batch/status/batch_missing", ORG_A).assertProblem(404, "not_found");
        api.send(HttpRequest.GET("/v1/batch/status/batch_missing")).assertProblem(401, "unauthorized");
    }
}
