package dev.runloom.agents;

import dev.runloom.common.tenant.Tenant;
import dev.runloom.testsupport.ApiClient;
import dev.runloom.testsupport.ApiClient.Reply;
import dev.runloom.testsupport.FakeModelServer;
import dev.runloom.testsupport.ServiceTest;
import io.micronaut.json.tree.JsonNode;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static dev.runloom.agents.AgentFixtures.keys;
import static dev.runloom.testsupport.TestTenants.ORG_A;
import static dev.runloom.testsupport.TestTenants.ORG_B;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The tool loop on real provider clients (OpenAI-compatible and Anthropic wire formats against fake
 * servers on loopback) and on the local model's tool mode; the built-in {@code retrieve-record} reads
 * a records-service double; tool calls listed and read back (A11/A12).
 */
@ServiceTest("agents")
class AgentToolLoopTest implements TestPropertyProvider {
    @Inject ApiClient<Tenant> api;
    final FakeModelServer openAi = new FakeModelServer();
    final FakeModelServer anthropic = new FakeModelServer();
    final FakeRecordsService records = new FakeRecordsService();

    @Override
    public Map<String, String> getProperties() {
        Map<String, String> p = new HashMap<>(records.serviceProperties());
        p.put("runloom.models.providers.openai.base-url", openAi.baseUrl());
        p.put("runloom.models.providers.openai.api-key", "sk-agents-test");
        p.put("runloom.models.providers.anthropic.base-url", anthropic.baseUrl() + "/v1/");
        p.put("runloom.models.providers.anthropic.api-key", "sk-ant-agents-test");
        p.put("runloom.models.prices.openai/gpt-4o-mini.input-per-million", "0.15");
        p.put("runloom.models.prices.openai/gpt-4o-mini.output-per-million", "0.60");
        p.put("runloom.models.prices.anthropic/claude-test.input-per-million", "3");
        p.put("runloom.models.prices.anthropic/claude-test.output-per-million", "15");
        p.put("runloom.models.retry.base-backoff", "10ms");
        return p;
    }

    @BeforeEach
    void reset() {
        openAi.reset();
        anthropic.reset();
        records.add("org_a", "customer", "rec_acme", "Acme", "gold");
        records.add("org_a", "customer", "rec_globex", "Globex", "silver");
    }

    @AfterAll
    void stop() {
        openAi.close();
        anthropic.close();
        records.close();
    }

    private String agent(String model) {
        Reply created = api.post("/v1/agents", """
                {"name": "Tool user", "config": {"model": "%s", "tools": {"toolIds": ["retrieve-record"]}}}"""
                .formatted(model), ORG_A);
        assertThat(created.status()).as(created.raw()).isEqualTo(201);
        return created.string("id");
    }

    private Reply execute(String agentId, String message) {
        return api.post("/v1/agents/" + agentId + "/execute", Map.of("messages",
                List.of(Map.of("role", "user", "content", message)), "options", Map.of("streamResponse", false)), ORG_A);
    }

    @Test
    void openAiTwoToolLoop() {
        openAi.enqueue(
                FakeModelServer.Reply.openAiToolCall("call_1", "retrieve-record", "{\"recordType\":\"customer\",\"name\":\"Acme\"}"),
                FakeModelServer.Reply.openAiToolCall("call_2", "retrieve-record", "{\"recordType\":\"customer\",\"name\":\"Nobody\"}"),
                FakeModelServer.Reply.openAi("Acme is on the gold plan.", 50, 8, 0));
        String agentId = agent("openai/gpt-4o-mini");
        Reply executed = execute(agentId, "What plan is Acme on?");
        assertTwoToolLoop(agentId, executed, "openai/gpt-4o-mini", "Acme is on the gold plan.");

        // the model was offered the tool and read its result on the next turn
        List<FakeModelServer.Recorded> sent = openAi.requests();
        assertThat(sent).hasSize(3);
        assertThat(sent.get(0).body()).contains("\"tools\"").contains("retrieve-record");
        assertThat(sent.get(1).body().replace(" ", "")).contains("\"role\":\"tool\"").contains("call_1").contains("gold");
        assertThat(sent.get(2).body()).contains("call_2").contains("no record of type 'customer' with name 'Nobody'");
    }

    @Test
    void anthropicTwoToolLoop() {
        anthropic.enqueue(
                FakeModelServer.Reply.anthropicToolUse("toolu_1", "retrieve-record", "{\"recordType\":\"customer\",\"name\":\"Acme\"}"),
                FakeModelServer.Reply.anthropicToolUse("toolu_2", "retrieve-record", "{\"recordType\":\"customer\",\"name\":\"Nobody\"}"),
                FakeModelServer.Reply.anthropic("Acme is on the gold plan.", 60, 9, 0));
        String agentId = agent("anthropic/claude-test");
        Reply executed = execute(agentId, "What plan is Acme on?");
        assertTwoToolLoop(agentId, executed, "anthropic/claude-test", "Acme is on the gold plan.");
        List<FakeModelServer.Recorded> sent = anthropic.requests();
        assertThat(sent).hasSize(3);
        assertThat(sent.get(0).body()).contains("\"tools\"").contains("retrieve-record");
        assertThat(sent.get(1).body().replace(" ", "")).contains("tool_result").contains("toolu_1").contains("gold");
    }

    private void assertTwoToolLoop(String agentId, Reply executed, String model, String answer) {
        assertThat(executed.status()).as(executed.raw()).isEqualTo(200);
        assertThat(executed.string("status")).isEqualTo("completed");
        assertThat(executed.string("stopReason")).isEqualTo("end_turn");
        assertThat(executed.tree().get("iterations").getIntValue()).isEqualTo(3);
        assertThat(executed.string("finalOutput")).isEqualTo(answer);
        String executionId = executed.string("executionId");

        Reply listed = api.get("/v1/agents/" + agentId + "/executions/" + executionId + "/tool-calls", ORG_A);
        assertThat(listed.status()).as(listed.raw()).isEqualTo(200);
        JsonNode calls = listed.tree().get("data");
        assertThat(calls.size()).isEqualTo(2);
        assertThat(keys(calls.get(0))).containsExactlyInAnyOrder("id", "toolId", "toolName", "toolDescription", "model",
                "status", "errorMessage", "executionTimeMs", "createdAt");
        assertThat(calls.get(0).get("toolName").getStringValue()).isEqualTo("retrieve-record");
        assertThat(calls.get(0).get("toolId").getStringValue()).isEqualTo("builtin:retrieve-record");
        assertThat(calls.get(0).get("model").getStringValue()).isEqualTo(model);
        assertThat(calls.get(0).get("status").getStringValue()).isEqualTo("completed");
        assertThat(calls.get(0).get("errorMessage").isNull()).isTrue();
        assertThat(calls.get(1).get("status").getStringValue()).isEqualTo("failed");
        assertThat(calls.get(1).get("errorMessage").getStringValue()).contains("Nobody");

        String firstId = calls.get(0).get("id").getStringValue();
        Reply detail = api.get("/v1/agents/" + agentId + "/executions/" + executionId + "/tool-calls/" + firstId, ORG_A);
        assertThat(detail.status()).as(detail.raw()).isEqualTo(200);
        assertThat(keys(detail.tree())).containsExactlyInAnyOrder("id", "toolId", "toolName", "toolDescription", "model",
                "status", "errorMessage", "executionTimeMs", "createdAt", "inputParameters", "outputResult");
        assertThat(detail.tree().get("inputParameters").get("name").getStringValue()).isEqualTo("Acme");
        assertThat(detail.tree().get("outputResult").get("id").getStringValue()).isEqualTo("rec_acme");
        assertThat(detail.tree().get("outputResult").get("metadata").get("plan").getStringValue()).isEqualTo("gold");
        assertThat(detail.tree().get("executionTimeMs").getLongValue()).isGreaterThanOrEqualTo(0);

        // iterations in the detail: the first two asked for tools
        JsonNode iterations = api.get("/v1/agents/" + agentId + "/executions/" + executionId, ORG_A)
                .tree().get("iterationDetails");
        assertThat(iterations.size()).isEqualTo(3);
        assertThat(iterations.get(0).get("toolCalls").getIntValue()).isEqualTo(1);
        assertThat(iterations.get(2).get("toolCalls").getIntValue()).isZero();

        // tenancy and bad ids
        String base = "/v1/agents/" + agentId + "/executions/" + executionId + "/tool-calls";
        api.get(base, ORG_B).assertProblem(404, "not_found");
        api.get(base + "/" + firstId, ORG_B).assertProblem(404, "not_found");
        api.get(base + "/toolcall_missing", ORG_A).assertProblem(404, "not_found");
        api.get("/v1/agents/" + agentId + "/executions/exec_missing/tool-calls", ORG_A).assertProblem(404, "not_found");
        api.get(base + "?limit=0", ORG_A).assertProblem(400, "invalid_parameter");
        api.get(base + "?offset=-1", ORG_A).assertProblem(400, "invalid_parameter");
        assertThat(api.get(base + "?limit=1&offset=1", ORG_A).tree().get("data").get(0).get("status").getStringValue())
                .isEqualTo("failed");
    }

    @Test
    void theLocalModelCallsToolsTheUserNames() {
        String agentId = agent("local");
        Reply executed = execute(agentId,
                "Look up @retrieve-record{\"recordType\":\"customer\",\"name\":\"Acme\"} and "
                        + "@retrieve-record{\"recordType\":\"customer\",\"recordId\":\"rec_globex\"}");
        assertThat(executed.status()).as(executed.raw()).isEqualTo(200);
        assertThat(executed.string("stopReason")).isEqualTo("end_turn");
        assertThat(executed.tree().get("iterations").getIntValue()).isEqualTo(2);
        // the local model's answer quotes the last tool result it read
        assertThat(executed.string("finalOutput")).contains("rec_globex").contains("silver");
        JsonNode calls = api.get("/v1/agents/" + agentId + "/executions/" + executed.string("executionId")
                + "/tool-calls", ORG_A).tree().get("data");
        assertThat(calls.size()).isEqualTo(2);
        assertThat(calls.get(0).get("status").getStringValue()).isEqualTo("completed");
        assertThat(calls.get(1).get("status").getStringValue()).isEqualTo("completed");
        assertThat(records.requests).contains("org_a customer");
    }

    @Test
    void anAgentWithoutToolsOffersNone() {
        String agentId = api.post("/v1/agents", "{\"name\": \"No tools\"}", ORG_A).string("id");
        Reply executed = execute(agentId, "@retrieve-record{\"recordType\":\"customer\",\"name\":\"Acme\"}");
        assertThat(executed.tree().get("iterations").getIntValue()).isEqualTo(1);
        assertThat(api.get("/v1/agents/" + agentId + "/executions/" + executed.string("executionId") + "/tool-calls",
                ORG_A).tree().get("data").size()).isZero();
    }
}
