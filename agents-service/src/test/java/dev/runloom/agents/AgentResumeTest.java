package dev.runloom.agents;

import dev.runloom.agents.SseReader.Frame;
import dev.runloom.common.tenant.InternalTokens;
import dev.runloom.common.tenant.Tenant;
import dev.runloom.testsupport.ApiClient;
import dev.runloom.testsupport.ApiClient.Reply;
import dev.runloom.testsupport.FakeModelServer;
import dev.runloom.testsupport.ServiceTest;
import io.micronaut.json.JsonMapper;
import io.micronaut.json.tree.JsonNode;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static dev.runloom.agents.AgentApprovalsTest.quote;
import static dev.runloom.testsupport.TestTenants.ORG_A;
import static dev.runloom.testsupport.TestTenants.ORG_B;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A18 resume: client-side tools ({@code config.tools.localTools}) pause the execution awaiting the
 * client ({@code paused}, an {@code await} frame); resume feeds their outputs (keyed by our tool call id
 * or the model's) and the loop goes on — JSON on the OpenAI wire format, SSE on the local model.
 */
@ServiceTest("agents")
class AgentResumeTest implements TestPropertyProvider {
    @Inject ApiClient<Tenant> api;
    @Inject EmbeddedServer server;
    @Inject InternalTokens tokens;
    @Inject JsonMapper json;
    final FakeModelServer openAi = new FakeModelServer();
    final FakeRecordsService records = new FakeRecordsService();
    SseReader sse;

    static final String TOOLS = """
            {"toolIds": ["retrieve-record"], "localTools": [{"name": "get-location", "description": "Where the user is",
             "parametersSchema": {"type": "object", "properties": {"precision": {"type": "string"}}}}]}""";

    @Override
    public Map<String, String> getProperties() {
        Map<String, String> p = new HashMap<>(records.serviceProperties());
        p.put("runloom.models.providers.openai.base-url", openAi.baseUrl());
        p.put("runloom.models.providers.openai.api-key", "sk-agents-test");
        p.put("runloom.models.prices.openai/gpt-4o-mini.input-per-million", "0.15");
        p.put("runloom.models.prices.openai/gpt-4o-mini.output-per-million", "0.60");
        return p;
    }

    @BeforeAll
    void setUp() {
        sse = new SseReader(server.getURL().toString(), tokens, json);
    }

    @BeforeEach
    void reset() {
        openAi.reset();
        records.add("org_a", "customer", "rec_acme", "Acme", "gold");
    }

    @AfterAll
    void stop() {
        openAi.close();
        records.close();
    }

    private String agent(String model) {
        Reply created = api.post("/v1/agents", """
                {"name": "Client tools", "config": {"model": "%s", "tools": %s}}""".formatted(model, TOOLS), ORG_A);
        assertThat(created.status()).as(created.raw()).isEqualTo(201);
        return created.string("id");
    }

    private Reply resume(String agentId, Map<String, Object> body, Tenant tenant) {
        Map<String, Object> sent = new HashMap<>(body);
        sent.put("streamResponse", false);
        return api.post("/v1/agents/" + agentId + "/resume", sent, tenant);
    }

    @Test
    void clientToolOutputsContinueTheLoopOpenAi() {
        openAi.enqueue(FakeModelServer.Reply.openAiToolCall("call_9", "get-location", "{\"precision\":\"city\"}"),
                FakeModelServer.Reply.openAi("You are in Oslo.", 40, 5, 0));
        String agentId = agent("openai/gpt-4o-mini");
        Reply paused = api.post("/v1/agents/" + agentId + "/execute", Map.of("messages",
                List.of(Map.of("role", "user", "content", "Where am I?")), "options", Map.of("streamResponse", false)),
                ORG_A);
        assertThat(paused.status()).as(paused.raw()).isEqualTo(200);
        assertThat(paused.string("status")).isEqualTo("paused");
        assertThat(paused.tree().get("approval")).isNull();
        JsonNode awaiting = paused.tree().get("awaitingToolCalls");
        assertThat(awaiting.size()).isEqualTo(1);
        assertThat(awaiting.get(0).get("toolName").getStringValue()).isEqualTo("get-location");
        assertThat(awaiting.get(0).get("providerCallId").getStringValue()).isEqualTo("call_9");
        assertThat(awaiting.get(0).get("parameters").get("precision").getStringValue()).isEqualTo("city");
        // the model was offered the client tool beside the built-in one
        assertThat(openAi.requests().getFirst().body()).contains("get-location").contains("Where the user is")
                .contains("retrieve-record");
        String executionId = paused.string("executionId");
        String toolCallId = awaiting.get(0).get("toolCallId").getStringValue();

        // bad resumes change nothing
        resume(agentId, Map.of("executionId", executionId, "toolOutputs", Map.of()), ORG_A).assertProblem(400);
        resume(agentId, Map.of("executionId", executionId, "toolOutputs", Map.of("call_other", 1)), ORG_A)
                .assertProblem(400);
        resume(agentId, Map.of("executionId", executionId, "toolOutputs", List.of("x")), ORG_A).assertProblem(400);
        resume(agentId, Map.of("executionId", executionId), ORG_A).assertProblem(400);
        resume(agentId, Map.of("executionId", executionId, "toolOutputs", Map.of(toolCallId, "x"),
                "messages", List.of(Map.of("role", "robot", "content", "hi"))), ORG_A).assertProblem(400);
        resume(agentId, Map.of("executionId", executionId, "toolOutputs", Map.of(toolCallId, "x")), ORG_B)
                .assertProblem(404, "not_found");
        resume(agentId, Map.of("executionId", "exec_missing", "toolOutputs", Map.of(toolCallId, "x")), ORG_A)
                .assertProblem(404, "not_found");
        api.post("/v1/agents/" + agentId + "/approve", Map.of("executionId", executionId,
                "approvalId", paused.tree().get("executionId").getStringValue(), "decision", "approved"), ORG_A)
                .assertProblem(404, "not_found");
        api.post("/v1/agents/" + agentId + "/resume", "{\"executionId\": \"" + executionId
                + "\", \"toolOutputs\": {\"" + toolCallId + "\": 1}, \"streamResponse\": 1}", ORG_A).assertProblem(400);
        assertThat(api.get("/v1/agents/" + agentId + "/executions/" + executionId, ORG_A).tree().get("status")
                .getStringValue()).isEqualTo("paused");
        assertThat(openAi.requests()).hasSize(1);

        // keyed by the model's call id
        Reply done = resume(agentId, Map.of("executionId", executionId,
                "toolOutputs", Map.of("call_9", Map.of("city", "Oslo"))), ORG_A);
        assertThat(done.status()).as(done.raw()).isEqualTo(200);
        assertThat(done.string("status")).isEqualTo("completed");
        assertThat(done.string("finalOutput")).isEqualTo("You are in Oslo.");
        assertThat(done.tree().get("iterations").getIntValue()).isEqualTo(2);
        String second = openAi.requests().get(1).body().replace(" ", "");
        assertThat(second).contains("\"role\":\"tool\"").contains("call_9").contains("Oslo");
        JsonNode calls = api.get("/v1/agents/" + agentId + "/executions/" + executionId + "/tool-calls", ORG_A)
                .tree().get("data");
        assertThat(calls.size()).isEqualTo(1);
        assertThat(calls.get(0).get("toolId").getStringValue()).isEqualTo("local:get-location");
        assertThat(calls.get(0).get("status").getStringValue()).isEqualTo("completed");
        JsonNode call = api.get("/v1/agents/" + agentId + "/executions/" + executionId + "/tool-calls/" + toolCallId,
                ORG_A).tree();
        assertThat(call.get("outputResult").get("city").getStringValue()).isEqualTo("Oslo");
        assertThat(call.get("inputParameters").get("precision").getStringValue()).isEqualTo("city");

        // nothing waits any more
        resume(agentId, Map.of("executionId", executionId, "toolOutputs", Map.of(toolCallId, "x")), ORG_A)
                .assertProblem(409, "execution_not_awaiting");
    }

    @Test
    void resumeOverSseRunsTheRestOfTheTurnAndTheNextOnes() throws Exception {
        String agentId = agent("local");
        String lookup = "@retrieve-record{\"recordType\":\"customer\",\"name\":\"Acme\"}";
        List<Frame> first = sse.postAll("/v1/agents/" + agentId + "/execute", "{\"messages\": [{\"role\": \"user\", "
                + "\"content\": " + quote(lookup + " then @get-location{} and @get-location{\"precision\":\"street\"}")
                + "}]}", ORG_A);
        assertThat(first).extracting(Frame::type).containsExactly("execution_start", "turn_start", "tool_start",
                "tool_complete", "await");
        JsonNode await = first.getLast().data();
        assertThat(await.get("toolCalls").size()).isEqualTo(2);
        String executionId = await.get("executionId").getStringValue();
        String firstCall = await.get("toolCalls").get(0).get("toolCallId").getStringValue();
        String secondProviderId = await.get("toolCalls").get(1).get("providerCallId").getStringValue();
        assertThat(secondProviderId).isEqualTo("local_call_3");

        List<Frame> rest = sse.postAll("/v1/agents/" + agentId + "/resume", """
                {"executionId": "%s", "toolOutputs": {"%s": "Oslo", "%s": {"street": "Karl Johans gate"}},
                 "messages": [{"role": "user", "content": "Thanks, where exactly?"}]}"""
                .formatted(executionId, firstCall, secondProviderId), ORG_A);
        assertThat(rest).extracting(Frame::type).containsExactly("tool_start", "tool_complete", "tool_start",
                "tool_complete", "turn_complete", "turn_start", "text_start", "text_delta", "text_complete",
                "turn_complete", "execution_complete");
        for (int i = 0; i < rest.size(); i++) {
            assertThat(rest.get(i).data().get("seq").getIntValue()).isEqualTo(first.size() + i);
            assertThat(rest.get(i).id()).isEqualTo(Integer.toString(first.size() + i));
        }
        assertThat(rest.get(1).data().get("toolType").getStringValue()).isEqualTo("local");
        assertThat(rest.get(1).data().get("result").getStringValue()).isEqualTo("Oslo");
        assertThat(rest.get(3).data().get("result").get("street").getStringValue()).isEqualTo("Karl Johans gate");
        // the message sent with the outputs came after them: the local model answers the last message
        assertThat(rest.getLast().data().get("finalOutput").getStringValue()).contains("Thanks, where exactly?");
        assertThat(rest.getLast().data().get("iterations").getIntValue()).isEqualTo(2);
        JsonNode calls = api.get("/v1/agents/" + agentId + "/executions/" + executionId + "/tool-calls", ORG_A)
                .tree().get("data");
        assertThat(calls.size()).isEqualTo(3);
        assertThat(calls.get(0).get("toolName").getStringValue()).isEqualTo("retrieve-record");
        assertThat(calls.get(2).get("toolName").getStringValue()).isEqualTo("get-location");
    }
}
