package dev.runloom.agents;

import dev.runloom.common.tenant.Tenant;
import dev.runloom.testsupport.ApiClient;
import dev.runloom.testsupport.ApiClient.Reply;
import dev.runloom.testsupport.ServiceTest;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.MediaType;
import io.micronaut.json.tree.JsonNode;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static dev.runloom.agents.AgentFixtures.keys;
import static dev.runloom.testsupport.TestTenants.ORG_A;
import static dev.runloom.testsupport.TestTenants.ORG_B;
import static org.assertj.core.api.Assertions.assertThat;

/** A1, A5–A8, A10, A13, A19 and AV1–AV4: shapes, partial update with deep-merged config, tenancy, bad input. */
@ServiceTest("agents")
class AgentEndpointsTest implements TestPropertyProvider {
    private final FlowsThatExist flows = new FlowsThatExist();

    @Inject ApiClient<Tenant> api;

    @Override
    public Map<String, String> getProperties() {
        return Map.of("runloom.services.flows-url", flows.url());
    }

    @AfterAll
    void stopFake() {
        flows.close();
    }

    private String create(String body) {
        Reply created = api.post("/v1/agents", body, ORG_A);
        assertThat(created.status()).as(created.raw()).isEqualTo(201);
        return created.string("id");
    }

    private Reply put(String uri, String body, Tenant tenant) {
        return api.send(HttpRequest.PUT(uri, body).contentType(MediaType.APPLICATION_JSON_TYPE), tenant);
    }

    private Reply delete(String uri, Tenant tenant) {
        return api.send(HttpRequest.DELETE(uri), tenant);
    }

    @Test
    void createStoresAndReturnsEveryConfigField() {
        Reply created = api.post("/v1/agents", """
                {"name": "Full", "primaryFlowId": "flow_123",
                 "config": {"model": "local", "systemPrompt": "s", "temperature": 0.1, "topP": 0.9, "topK": 40,
                            "frequencyPenalty": 0.5, "presencePenalty": -0.5, "seed": 42, "maxTurns": 7,
                            "maxToolCalls": 3, "tools": {"toolIds": ["t1"]}, "agentLoop": {"enabled": true},
                            "responseFormat": {"type": "json_object"}, "humanInLoopApprovals": {"tools": ["t1"]}}}""",
                ORG_A);
        assertThat(created.status()).as(created.raw()).isEqualTo(201);
        JsonNode config = created.tree().get("config");
        assertThat(config.get("topP").getDoubleValue()).isEqualTo(0.9);
        assertThat(config.get("topK").getIntValue()).isEqualTo(40);
        assertThat(config.get("frequencyPenalty").getDoubleValue()).isEqualTo(0.5);
        assertThat(config.get("presencePenalty").getDoubleValue()).isEqualTo(-0.5);
        assertThat(config.get("seed").getLongValue()).isEqualTo(42);
        assertThat(config.get("maxTurns").getIntValue()).isEqualTo(7);
        assertThat(config.get("maxToolCalls").getIntValue()).isEqualTo(3);
        assertThat(config.get("tools").get("toolIds").get(0).getStringValue()).isEqualTo("t1");
        assertThat(config.get("agentLoop").get("enabled").getBooleanValue()).isTrue();
        assertThat(config.get("responseFormat").get("type").getStringValue()).isEqualTo("json_object");
        assertThat(config.get("humanInLoopApprovals").get("tools").get(0).getStringValue()).isEqualTo("t1");
        assertThat(created.tree().get("primaryFlow").get("id").getStringValue()).isEqualTo("flow_123");

        Reply fetched = api.get("/v1/agents/" + created.string("id"), ORG_A);
        assertThat(fetched.tree().get("config")).isEqualTo(config);
        assertThat(fetched.tree().get("capabilities").isArray()).isTrue();

        assertThat(created.tree().get("_warnings").get(0).getStringValue()).contains("t1");
        Reply known = api.post("/v1/agents", "{\"name\": \"k\", \"config\": {\"tools\": [\"retrieve-record\"]}}", ORG_A);
        assertThat(known.tree().get("_warnings").size()).isZero();

        api.post("/v1/agents", "{\"name\": \"a\", \"config\": {\"topP\": 1.5}}", ORG_A).assertProblem(400);
        api.post("/v1/agents", "{\"name\": \"a\", \"config\": {\"topK\": 0}}", ORG_A).assertProblem(400);
        api.post("/v1/agents", "{\"name\": \"a\", \"config\": {\"seed\": \"x\"}}", ORG_A).assertProblem(400);
        api.post("/v1/agents", "{\"name\": \"a\", \"config\": {\"frequencyPenalty\": 3}}", ORG_A).assertProblem(400);
    }

    @Test
    void updateIsPartialAndDeepMergesConfig() {
        String id = create("""
                {"name": "Before", "description": "d", "icon": "x",
                 "config": {"systemPrompt": "keep", "temperature": 0.2, "responseFormat": {"type": "json_schema",
                            "schema": {"a": 1, "b": 2}}}}""");
        Reply updated = put("/v1/agents/" + id, """
                {"name": "After", "config": {"temperature": 1.1, "responseFormat": {"schema": {"b": 3}}}}""", ORG_A);
        assertThat(updated.status()).as(updated.raw()).isEqualTo(200);
        JsonNode agent = updated.tree();
        assertThat(keys(agent)).doesNotContain("capabilities").contains("_warnings", "config", "updatedAt");
        assertThat(agent.get("name").getStringValue()).isEqualTo("After");
        assertThat(agent.get("description").getStringValue()).isEqualTo("d");
        assertThat(agent.get("icon").getStringValue()).isEqualTo("x");
        JsonNode config = agent.get("config");
        assertThat(config.get("systemPrompt").getStringValue()).isEqualTo("keep");
        assertThat(config.get("temperature").getDoubleValue()).isEqualTo(1.1);
        assertThat(config.get("responseFormat").get("type").getStringValue()).isEqualTo("json_schema");
        assertThat(config.get("responseFormat").get("schema").get("a").getIntValue()).isEqualTo(1);
        assertThat(config.get("responseFormat").get("schema").get("b").getIntValue()).isEqualTo(3);
        assertThat(api.get("/v1/agents/" + id, ORG_A).tree().get("config")).isEqualTo(config);

        // an explicit null resets a setting to its default
        Reply reset = put("/v1/agents/" + id, "{\"config\": {\"temperature\": null, \"maxTurns\": 9}}", ORG_A);
        assertThat(reset.tree().get("config").get("temperature").getDoubleValue()).isEqualTo(0.7);
        assertThat(reset.tree().get("config").get("maxTurns").getIntValue()).isEqualTo(9);

        // bad input: nothing changes
        put("/v1/agents/" + id, "{\"name\": ", ORG_A).assertProblem(400, "malformed_json");
        put("/v1/agents/" + id, "{\"name\": \"\"}", ORG_A).assertProblem(400);
        put("/v1/agents/" + id, "{\"name\": \"   \"}", ORG_A).assertProblem(400);
        put("/v1/agents/" + id, "{\"icon\": \"" + "i".repeat(51) + "\"}", ORG_A).assertProblem(400);
        put("/v1/agents/" + id, "{\"config\": {\"temperature\": 3}}", ORG_A).assertProblem(400, "validation_failed");
        put("/v1/agents/" + id, "{\"config\": {\"temperature\": \"hot\"}}", ORG_A).assertProblem(400);
        put("/v1/agents/" + id, "{\"config\": {\"maxTurns\": 1.5}}", ORG_A).assertProblem(400);
        put("/v1/agents/" + id, "{\"config\": \"fast\"}", ORG_A).assertProblem(400);
        put("/v1/agents/" + id, "[1]", ORG_A).assertProblem(400);
        put("/v1/agents/" + id, "{\"agentType\": \"external\"}", ORG_A).assertProblem(400, "validation_failed");
        put("/v1/agents/" + id, "{\"agentType\": \"claude-managed\"}", ORG_A).assertProblem(400, "unsupported_agent_type");
        put("/v1/agents/" + id, "{\"name\": \"nul\\u0000\"}", ORG_A).assertProblem(400);
        assertThat(api.get("/v1/agents/" + id, ORG_A).tree().get("name").getStringValue()).isEqualTo("After");
        assertThat(api.get("/v1/agents/" + id, ORG_A).tree().get("config").get("maxTurns").getIntValue()).isEqualTo(9);

        put("/v1/agents/" + id, "{\"name\": \"stolen\"}", ORG_B).assertProblem(404, "not_found");
        put("/v1/agents/agent_missing", "{\"name\": \"x\"}", ORG_A).assertProblem(404, "not_found");
        assertThat(api.get("/v1/agents/" + id, ORG_A).tree().get("name").getStringValue()).isEqualTo("After");
    }

    @Test
    void listFiltersSearchesPagesAndCounts() {
        String tag = "lst" + UUID.randomUUID().toString().substring(0, 8);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ids.add(create("{\"name\": \"" + tag + " agent " + i + "\"}"));
        }
        create("{\"name\": \"other\", \"description\": \"mentions " + tag + "_desc\"}");
        api.post("/v1/agents/" + ids.get(0) + "/execute",
                "{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}], \"options\": {\"streamResponse\": false}}",
                ORG_A).assertStatus(200);

        Reply first = api.get("/v1/agents?search=" + tag + "+agent&limit=2&includeCount=true", ORG_A);
        assertThat(first.status()).as(first.raw()).isEqualTo(200);
        JsonNode data = first.tree().get("data");
        assertThat(data.size()).isEqualTo(2);
        assertThat(keys(data.get(0))).containsExactlyInAnyOrder("id", "name", "description", "icon", "agentType",
                "primaryFlowId", "config", "status", "createdAt", "updatedAt", "capabilityCount", "lastRunAt");
        assertThat(data.get(0).get("id").getStringValue()).isEqualTo(ids.get(4));
        assertThat(data.get(0).get("capabilityCount").getIntValue()).isZero();
        assertThat(data.get(0).get("lastRunAt").isNull()).isTrue();
        JsonNode pagination = first.tree().get("pagination");
        assertThat(pagination.get("hasMore").getBooleanValue()).isTrue();
        assertThat(pagination.get("totalCount").getIntValue()).isEqualTo(5);

        List<String> seen = new ArrayList<>();
        String cursor = null;
        do {
            Reply page = api.get("/v1/agents?search=" + tag + "+agent&limit=2"
                    + (cursor == null ? "" : "&cursor=" + cursor), ORG_A);
            page.tree().get("data").values().forEach(row -> seen.add(row.get("id").getStringValue()));
            JsonNode next = page.tree().get("pagination").get("nextCursor");
            cursor = next.isNull() ? null : next.getStringValue();
        } while (cursor != null);
        assertThat(seen).containsExactlyElementsOf(ids.reversed());

        Reply ran = api.get("/v1/agents?search=" + tag + "+agent+0", ORG_A);
        assertThat(ran.tree().get("data").size()).isEqualTo(1);
        assertThat(ran.tree().get("data").get(0).get("lastRunAt").getStringValue()).isNotBlank();

        // search matches the description too, and LIKE wildcards are literal
        assertThat(api.get("/v1/agents?search=" + tag + "_desc", ORG_A).tree().get("data").size()).isEqualTo(1);
        assertThat(api.get("/v1/agents?search=%25%25" + tag, ORG_A).tree().get("data").size()).isZero();
        assertThat(api.get("/v1/agents?search=" + tag + "&status=active&agentType=runtype", ORG_A)
                .tree().get("data").size()).isEqualTo(6);
        assertThat(api.get("/v1/agents?search=" + tag + "&status=paused", ORG_A).tree().get("data").size()).isZero();
        assertThat(api.get("/v1/agents?search=" + tag, ORG_B).tree().get("data").size()).isZero();

        api.get("/v1/agents?limit=0", ORG_A).assertProblem(400, "invalid_parameter");
        api.get("/v1/agents?limit=abc", ORG_A).assertProblem(400, "invalid_parameter");
        api.get("/v1/agents?limit=1000000000", ORG_A).assertProblem(400, "invalid_parameter");
        api.get("/v1/agents?status=sleeping", ORG_A).assertProblem(400, "invalid_parameter");
        api.get("/v1/agents?agentType=robot", ORG_A).assertProblem(400, "invalid_parameter");
        api.get("/v1/agents?cursor=not-a-cursor", ORG_A).assertProblem(400);
        api.get("/v1/agents?includeCount=maybe", ORG_A).assertProblem(400);
        api.get("/v1/agents?search=" + "s".repeat(201), ORG_A).assertProblem(400, "invalid_parameter");
        assertThat(api.get("/v1/agents?search=%27+OR+1%3D1+--", ORG_A).status()).isEqualTo(200);
    }

    @Test
    void deleteRemovesTheAgentForItsOrganizationOnly() {
        String id = create("{\"name\": \"Doomed\"}");
        delete("/v1/agents/" + id, ORG_B).assertProblem(404, "not_found");
        Reply deleted = delete("/v1/agents/" + id, ORG_A);
        assertThat(deleted.status()).as(deleted.raw()).isEqualTo(200);
        assertThat(deleted.tree().get("success").getBooleanValue()).isTrue();
        api.get("/v1/agents/" + id, ORG_A).assertProblem(404, "not_found");
        api.get("/v1/agents/" + id + "/executions", ORG_A).assertProblem(404, "not_found");
        delete("/v1/agents/" + id, ORG_A).assertProblem(404, "not_found");
    }

    @Test
    void exportRuntimeAndSpeech() {
        String id = create("{\"name\": \"Exported\", \"description\": \"e\", \"config\": {\"topP\": 0.5}}");
        Reply export = api.get("/v1/agents/" + id + "/export-runtime", ORG_A);
        assertThat(export.status()).as(export.raw()).isEqualTo(200);
        assertThat(keys(export.tree())).containsExactlyInAnyOrder("id", "name", "description", "agentType", "config",
                "capabilities", "externalConfig", "primaryFlow");
        assertThat(export.tree().get("config").get("topP").getDoubleValue()).isEqualTo(0.5);
        api.get("/v1/agents/" + id + "/export-runtime", ORG_B).assertProblem(404, "not_found");

        Reply speak = api.post("/v1/agents/" + id + "/speak", "{}", ORG_A);
        speak.assertProblem(501, "not_implemented");
        assertThat(speak.string("detail")).contains("out of scope");
        api.post("/v1/agents/" + id + "/speak", "{}", ORG_B).assertProblem(404, "not_found");
    }

    @Test
    void executionDetailHasInputOutputAndIterations() {
        String id = create("{\"name\": \"Detailed\", \"config\": {\"systemPrompt\": \"Be kind.\"}}");
        Reply executed = api.post("/v1/agents/" + id + "/execute",
                "{\"messages\": [{\"role\": \"user\", \"content\": \"hello there\"}], \"options\": {\"streamResponse\": false}}",
                ORG_A);
        String executionId = executed.string("executionId");
        Reply detail = api.get("/v1/agents/" + id + "/executions/" + executionId, ORG_A);
        assertThat(detail.status()).as(detail.raw()).isEqualTo(200);
        JsonNode execution = detail.tree();
        assertThat(execution.get("id").getStringValue()).isEqualTo(executionId);
        assertThat(execution.get("status").getStringValue()).isEqualTo("completed");
        assertThat(execution.get("inputMessages").get(0).get("content").getStringValue()).isEqualTo("hello there");
        assertThat(execution.get("finalOutput").getStringValue()).isEqualTo(executed.string("finalOutput"));
        assertThat(execution.get("agentSpec").get("config").get("systemPrompt").getStringValue()).isEqualTo("Be kind.");
        assertThat(execution.get("iterationDetails").size()).isEqualTo(1);
        JsonNode iteration = execution.get("iterationDetails").get(0);
        assertThat(iteration.get("iteration").getIntValue()).isEqualTo(1);
        assertThat(iteration.get("model").getStringValue()).isEqualTo("local");
        assertThat(iteration.get("cost").isString()).isTrue();
        assertThat(iteration.get("totalTokens").getLongValue()).isEqualTo(execution.get("totalTokens").getLongValue());

        api.get("/v1/agents/" + id + "/executions/" + executionId, ORG_B).assertProblem(404, "not_found");
        api.get("/v1/agents/" + id + "/executions/exec_missing", ORG_A).assertProblem(404, "not_found");
        String other = create("{\"name\": \"Other\"}");
        api.get("/v1/agents/" + other + "/executions/" + executionId, ORG_A).assertProblem(404, "not_found");
    }

    @Test
    void publishingMakesVersionsAndAnOlderOneCanBeRestored() {
        String id = create("{\"name\": \"Versioned\", \"config\": {\"systemPrompt\": \"v1\"}}");
        api.get("/v1/agent-versions/" + id + "/published", ORG_A).assertProblem(404, "not_found");
        Reply empty = api.get("/v1/agent-versions/" + id, ORG_A);
        assertThat(empty.tree().get("versions").size()).isZero();
        assertThat(empty.tree().get("publishedVersionId").isNull()).isTrue();

        // v1 can fetch URLs; the capability is gone by v2 and comes back with the rollback to v1
        Reply tool = api.post("/v1/agents/" + id + "/capabilities", "{\"toolName\": \"web\", \"toolId\": \"fetch-url\"}", ORG_A);
        assertThat(tool.status()).as(tool.raw()).isEqualTo(201);
        Reply first = api.post("/v1/agents/" + id + "/publish", "{}", ORG_A);
        assertThat(first.status()).as(first.raw()).isEqualTo(200);
        assertThat(keys(first.tree())).containsExactlyInAnyOrder("success", "publishedVersionId", "message");
        String v1 = first.string("publishedVersionId");
        assertThat(api.get("/v1/agents/" + id, ORG_A).string("publishedVersionId")).isEqualTo(v1);

        put("/v1/agents/" + id, "{\"config\": {\"systemPrompt\": \"v2\"}}", ORG_A).assertStatus(200);
        assertThat(api.send(io.micronaut.http.HttpRequest.DELETE("/v1/agents/" + id + "/capabilities/" + tool.string("id")),
                ORG_A).status()).isEqualTo(200);
        String v2 = api.post("/v1/agents/" + id + "/publish", "{}", ORG_A).string("publishedVersionId");

        Reply listed = api.get("/v1/agent-versions/" + id, ORG_A);
        assertThat(listed.status()).as(listed.raw()).isEqualTo(200);
        assertThat(keys(listed.tree())).containsExactlyInAnyOrder("agentId", "draftVersionId", "publishedVersionId",
                "versions");
        JsonNode versions = listed.tree().get("versions");
        assertThat(versions.size()).isEqualTo(2);
        assertThat(keys(versions.get(0))).containsExactlyInAnyOrder("id", "versionNumber", "versionType", "label",
                "notes", "configSummary", "createdAt");
        assertThat(versions.get(0).get("id").getStringValue()).isEqualTo(v2);
        assertThat(versions.get(0).get("versionNumber").getIntValue()).isEqualTo(2);
        assertThat(versions.get(0).get("versionType").getStringValue()).isEqualTo("published");
        assertThat(versions.get(1).get("versionType").getStringValue()).isEqualTo("archived");
        assertThat(api.get("/v1/agent-versions/" + id + "?type=archived", ORG_A).tree().get("versions").size())
                .isEqualTo(1);

        Reply published = api.get("/v1/agent-versions/" + id + "/published", ORG_A);
        assertThat(keys(published.tree())).containsExactlyInAnyOrder("id", "agentId", "versionNumber", "versionType",
                "agentConfig", "label", "notes", "createdAt");
        assertThat(published.tree().get("agentConfig").get("config").get("systemPrompt").getStringValue())
                .isEqualTo("v2");
        Reply old = api.get("/v1/agent-versions/" + id + "/" + v1, ORG_A);
        assertThat(old.tree().get("agentConfig").get("config").get("systemPrompt").getStringValue()).isEqualTo("v1");
        assertThat(old.tree().get("agentConfig").get("capabilities").get(0).get("toolName").getStringValue()).isEqualTo("web");
        assertThat(published.tree().get("agentConfig").get("capabilities").size()).isZero();
        assertThat(api.get("/v1/agents/" + id, ORG_A).tree().get("capabilities").size()).isZero();

        Reply rollback = api.post("/v1/agent-versions/" + id + "/publish", "{\"versionId\": \"" + v1 + "\"}", ORG_A);
        assertThat(rollback.status()).as(rollback.raw()).isEqualTo(200);
        assertThat(keys(rollback.tree())).containsExactlyInAnyOrder("success", "message", "agentId", "versionId");
        JsonNode live = api.get("/v1/agents/" + id, ORG_A).tree();
        assertThat(live.get("publishedVersionId").getStringValue()).isEqualTo(v1);
        assertThat(live.get("config").get("systemPrompt").getStringValue()).isEqualTo("v1");
        assertThat(live.get("capabilities").size()).isEqualTo(1);
        assertThat(live.get("capabilities").get(0).get("id").getStringValue()).isEqualTo(tool.string("id"));
        Reply again = api.post("/v1/agent-versions/" + id + "/publish", "{\"versionId\": \"" + v1 + "\"}", ORG_A);
        assertThat(again.string("message")).contains("already");

        api.post("/v1/agent-versions/" + id + "/publish", "{}", ORG_A).assertProblem(400, "validation_failed");
        api.post("/v1/agent-versions/" + id + "/publish", "{\"versionId\": 5}", ORG_A).assertProblem(400);
        api.post("/v1/agent-versions/" + id + "/publish", "{\"versionId\": \"agentver_x\"}", ORG_A)
                .assertProblem(404, "not_found");
        api.get("/v1/agent-versions/" + id + "?type=old", ORG_A).assertProblem(400, "invalid_parameter");
        api.get("/v1/agent-versions/" + id + "/agentver_missing", ORG_A).assertProblem(404, "not_found");

        // tenant isolation on every version endpoint
        api.get("/v1/agent-versions/" + id, ORG_B).assertProblem(404, "not_found");
        api.get("/v1/agent-versions/" + id + "/published", ORG_B).assertProblem(404, "not_found");
        api.get("/v1/agent-versions/" + id + "/" + v1, ORG_B).assertProblem(404, "not_found");
        api.post("/v1/agent-versions/" + id + "/publish", "{\"versionId\": \"" + v2 + "\"}", ORG_B)
                .assertProblem(404, "not_found");
        api.post("/v1/agents/" + id + "/publish", "{}", ORG_B).assertProblem(404, "not_found");
        assertThat(api.get("/v1/agents/" + id, ORG_A).string("publishedVersionId")).isEqualTo(v1);
        // a version of another agent is not this agent's
        String other = create("{\"name\": \"Other versioned\"}");
        api.get("/v1/agent-versions/" + other + "/" + v1, ORG_A).assertProblem(404, "not_found");
    }
}
