package dev.runloom.flows;

import dev.runloom.common.tenant.Tenant;
import dev.runloom.testsupport.ApiClient;
import dev.runloom.testsupport.ApiClient.Reply;
import dev.runloom.testsupport.ServiceTest;
import dev.runloom.testsupport.ServiceTestEnvironment;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.MutableHttpRequest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import static dev.runloom.flows.FlowFixtures.createFlow;
import static dev.runloom.flows.FlowFixtures.query;
import static dev.runloom.flows.FlowFixtures.templateStep;
import static dev.runloom.testsupport.TestTenants.ORG_A;
import static dev.runloom.testsupport.TestTenants.ORG_B;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * F5 (delete: refused while a schedule or an agent uses the flow, asked of their services; history
 * kept), and every flows, flow-versions and flow-steps endpoint against unknown ids, another
 * organization's ids, no token and bad input.
 */
@ServiceTest("flows")
class FlowDeleteAndBadInputTest implements TestPropertyProvider {
    @Inject ApiClient<Tenant> api;
    @Inject ServiceTestEnvironment env;
    final FakeRecordsService records = new FakeRecordsService();
    final FakeFlowReferrers referrers = new FakeFlowReferrers();

    @Override
    public Map<String, String> getProperties() {
        Map<String, String> properties = new HashMap<>(records.serviceProperties());
        properties.putAll(referrers.serviceProperties());
        return properties;
    }

    @BeforeAll
    void addRecords() {
        records.add("org_a", "lead", "lead", 2);
    }

    @BeforeEach
    void noReferrers() {
        referrers.clear();
        referrers.down(false);
    }

    @AfterAll
    void stopFakes() {
        records.close();
        referrers.close();
    }

    @Test
    void aFlowInUseIsNotDeletedAndAnUnusedOneGoesWithItsVersionsButNotItsHistory() {
        String flowId = createFlow(api, "Doomed", List.of(templateStep("T", "{{_record.name}}")));
        api.send(HttpRequest.PUT("/v1/flows/" + flowId, "{\"name\": \"Doomed v2\"}").contentType("application/json"), ORG_A)
                .assertStatus(200);
        api.post("/v1/flows/" + flowId + "/run-on-record-type", Map.of("recordType", "lead"), ORG_A).assertStatus(200);

        referrers.schedule(ORG_A, flowId, "sched_nightly");
        referrers.agent(ORG_B, flowId, "agent_elsewhere"); // another organization's agent is no reason
        Reply bySchedule = delete("/v1/flows/" + flowId, ORG_A);
        bySchedule.assertProblem(409, "flow_in_use");
        assertThat(bySchedule.string("detail")).contains("schedule 'sched_nightly'").doesNotContain("agent_elsewhere");
        assertThat(referrers.requests).anySatisfy(r -> assertThat(r).startsWith("org_a /internal/schedules?flowId=" + flowId));

        referrers.clear();
        referrers.agent(ORG_A, flowId, "agent_helper");
        delete("/v1/flows/" + flowId, ORG_A).assertProblem(409, "flow_in_use");
        api.get("/v1/flows/" + flowId, ORG_A).assertStatus(200);

        // a peer that cannot answer: nothing is deleted, and the client may retry
        referrers.clear();
        referrers.down(true);
        Reply unavailable = delete("/v1/flows/" + flowId, ORG_A);
        unavailable.assertProblem(503, "references_unavailable");
        assertThat(unavailable.body()).containsEntry("retryable", true);
        referrers.down(false);
        api.get("/v1/flows/" + flowId, ORG_A).assertStatus(200);

        delete("/v1/flows/" + flowId, ORG_B).assertProblem(404, "not_found");
        Reply deleted = delete("/v1/flows/" + flowId, ORG_A).assertStatus(200);
        assertThat(deleted.body()).isEqualTo(Map.of("success", true));

        for (String path : List.of("/v1/flows/" + flowId, "/v1/flow-versions/" + flowId, "/v1/flow-steps/flow/" + flowId,
                "/v1/flows/" + flowId + "/export-runtime", "/v1/flows/" + flowId + "/step-results")) {
            api.get(path, ORG_A).assertProblem(404, "not_found");
        }
        delete("/v1/flows/" + flowId, ORG_A).assertProblem(404, "not_found");
        assertThat(query(env, "SELECT id FROM flow_versions WHERE flow_id = ?", flowId)).isEmpty();
        // executions and step results stay as history
        assertThat(query(env, "SELECT id FROM step_results WHERE flow_id = ?", flowId)).hasSize(2);
        assertThat(query(env, "SELECT id FROM flow_executions WHERE flow_id = ?", flowId)).hasSize(2);
    }

    @Test
    void everyEndpointAnswers404ForUnknownIdsAndOtherOrganizationsAnd401WithoutToken() {
        String flowId = createFlow(api, "Mine", List.of(templateStep("T", "x")));
        String versionId = (String) api.get("/v1/flows/" + flowId, ORG_A).body().get("draftVersionId");
        String otherFlow = createFlow(api, "Also mine", List.of());
        String otherVersion = (String) api.get("/v1/flows/" + otherFlow, ORG_A).body().get("draftVersionId");
        Map<String, Function<String, MutableHttpRequest<?>>> endpoints = Map.ofEntries(
                Map.entry("F3", id -> HttpRequest.GET("/v1/flows/" + id)),
                Map.entry("F4", id -> HttpRequest.PUT("/v1/flows/" + id, "{\"name\":\"x\"}").contentType("application/json")),
                Map.entry("F5", id -> HttpRequest.DELETE("/v1/flows/" + id)),
                Map.entry("F7", id -> HttpRequest.POST("/v1/flows/" + id + "/publish", "{}").contentType("application/json")),
                Map.entry("F9", id -> HttpRequest.GET("/v1/flows/" + id + "/export-runtime")),
                Map.entry("FV1", id -> HttpRequest.GET("/v1/flow-versions/" + id)),
                Map.entry("FV2", id -> HttpRequest.GET("/v1/flow-versions/" + id + "/published")),
                Map.entry("FV3", id -> HttpRequest.GET("/v1/flow-versions/" + id + "/" + versionId)),
                Map.entry("FV4", id -> HttpRequest.POST("/v1/flow-versions/" + id + "/publish",
                        "{\"versionId\":\"" + versionId + "\"}").contentType("application/json")),
                Map.entry("FS1", id -> HttpRequest.GET("/v1/flow-steps/flow/" + id)));
        endpoints.forEach((name, request) -> {
            assertThat(api.send(request.apply(flowId), ORG_B).status()).as(name + " as another organization").isEqualTo(404);
            assertThat(api.send(request.apply("flow_unknown"), ORG_A).status()).as(name + " unknown").isEqualTo(404);
            assertThat(api.send(request.apply("%27%20OR%201%3D1%20--"), ORG_A).status()).as(name + " sql-looking").isEqualTo(404);
            assertThat(api.send(request.apply("x".repeat(5000)), ORG_A).status()).as(name + " long id").isIn(404, 413, 414);
            assertThat(api.send(request.apply(flowId)).status()).as(name + " without token").isEqualTo(401);
        });
        // nothing changed for the owner: no new version, nothing published, not deleted
        Map<String, Object> flow = api.get("/v1/flows/" + flowId, ORG_A).assertStatus(200).body();
        assertThat(flow).containsEntry("draftVersionId", versionId).containsEntry("publishedVersionId", null)
                .containsEntry("name", "Mine");

        // a version of another flow is not a version of this one; never published: FV2 is 404
        api.get("/v1/flow-versions/" + flowId + "/" + otherVersion, ORG_A).assertProblem(404, "not_found");
        api.post("/v1/flow-versions/" + flowId + "/publish", Map.of("versionId", otherVersion), ORG_A)
                .assertProblem(404, "not_found");
        api.get("/v1/flow-versions/" + flowId + "/published", ORG_A).assertProblem(404, "not_found");
        api.get("/v1/flows/%00", ORG_A).assertProblem(400, "invalid_text");
        api.send(HttpRequest.GET("/v1/flows")).assertProblem(401, "unauthorized");
    }

    @Test
    void badInputIsAClear400() {
        String flowId = createFlow(api, "Strict", List.of(templateStep("T", "x")));
        for (String bad : List.of("limit=0", "limit=-1", "limit=101", "limit=abc", "limit=1000000000", "limit=2.5",
                "cursor=not-a-cursor", "cursor=%00", "direction=sideways", "direction=", "includeCount=maybe",
                "search=" + "s".repeat(256))) {
            Reply reply = api.get("/v1/flows?" + bad, ORG_A);
            if (bad.equals("direction=")) {
                reply.assertStatus(200); // empty is absent
                continue;
            }
            // NUL never reaches the controller: the strict input filter refuses it, naming the parameter too
            reply.assertProblem(400, bad.equals("cursor=%00") ? "invalid_text" : "invalid_parameter");
            assertThat(reply.string("detail")).as(bad).contains("'" + bad.substring(0, bad.indexOf('=')) + "'");
        }
        for (String tampered : List.of(b64("{\"id\":\"flow_x\"}"), b64("2024-01-01T00:00:00Z|flow_x|-5"),
                b64("yesterday|flow_x|0"), b64("2024-01-01T00:00:00Z||3"), b64("2024-01-01T00:00:00Z|flow_x|99999999999"))) {
            api.get("/v1/flows?cursor=" + tampered, ORG_A).assertProblem(400, "invalid_parameter");
        }
        // a well-formed position that matches no row is just a position
        api.get("/v1/flows?direction=prev&cursor=" + b64("2099-01-01T00:00:00Z|flow_zzz|7"), ORG_A).assertStatus(200);
        api.get("/v1/flows?search=%00", ORG_A).assertProblem(400, "invalid_text");
        api.get("/v1/flow-versions/" + flowId + "?type=final", ORG_A).assertProblem(400, "invalid_parameter");

        String path = "/v1/flows/" + flowId;
        // strict JSON everywhere (common's StrictInputFilter and StrictStringDeserializer): trailing content,
        // duplicate keys and a number where a string belongs are refused like malformed JSON
        for (String body : List.of("{\"name\": ", "[1, 2]", "{'name': 'x'}",
                "{\"name\": \"x\", /* c */ \"description\": \"y\"}", "{\"name\": \"x\"} trailing",
                "{\"name\": \"x\", \"name\": \"y\"}", "{\"name\": 42}")) {
            assertThat(put(path, body).status()).as(body).isEqualTo(400);
        }
        put(path, "{\"name\": \"\"}").assertProblem(400, "validation_failed");
        put(path, "{\"name\": \"   \"}").assertProblem(400, "validation_failed");
        put(path, "{\"name\": \"" + "n".repeat(256) + "\"}").assertProblem(400, "validation_failed");
        assertThat(put(path, "{\"flowSteps\": \"not a list\"}").status()).isEqualTo(400);
        put(path, "{\"flowSteps\": [{\"type\": \"teleport\", \"name\": \"Go\"}]}").assertProblem(400, "unsupported_step_type");
        put(path, "{\"flowSteps\": [null]}").assertProblem(400, "validation_failed");
        assertThat(put(path, "{\"name\": \"nul \\u0000 here\"}").status()).isEqualTo(400);
        Reply noBody = api.send(HttpRequest.PUT(path, "").contentType("application/json"), ORG_A);
        assertThat(noBody.status()).isEqualTo(400);

        api.post("/v1/flow-versions/" + flowId + "/publish", Map.of(), ORG_A).assertProblem(400, "validation_failed");
        api.post("/v1/flow-versions/" + flowId + "/publish", Map.of("versionId", "  "), ORG_A)
                .assertProblem(400, "validation_failed");
        api.post("/v1/flow-versions/" + flowId + "/publish", "{\"versionId\": 7}", ORG_A).assertProblem(400, "invalid_body");
        assertThat(api.post("/v1/flow-versions/" + flowId + "/publish", "{\"versionId\": ", ORG_A).status()).isEqualTo(400);
        assertThat(api.post(path + "/publish", "{\"label\": ", ORG_A).status()).isEqualTo(400);
        api.post(path + "/publish", Map.of("label", "l".repeat(256)), ORG_A).assertProblem(400, "validation_failed");

        // nothing above left a version behind or published anything
        Reply versions = api.get("/v1/flow-versions/" + flowId, ORG_A).assertStatus(200);
        assertThat(versions.list("versions")).hasSize(1);
        assertThat(versions.body()).containsEntry("publishedVersionId", null);
        // a lone surrogate is no crash (it is either refused or stored as a replacement character)
        assertThat(put(path, "{\"description\": \"lone \\ud800 surrogate\"}").status()).isLessThan(500);
    }

    private Reply put(String path, String body) {
        return api.send(HttpRequest.PUT(path, body).contentType("application/json"), ORG_A);
    }

    private Reply delete(String path, Tenant tenant) {
        return api.send(HttpRequest.DELETE(path), tenant);
    }

    private static String b64(String raw) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
    }
}
