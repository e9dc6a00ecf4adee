package dev.runloom.agents;

import dev.runloom.agents.SseReader.Frame;
import dev.runloom.agents.sweeper.ExecutionSweeper;
import dev.runloom.common.tenant.InternalTokens;
import dev.runloom.common.tenant.Tenant;
import dev.runloom.testsupport.ApiClient;
import dev.runloom.testsupport.ApiClient.Reply;
import dev.runloom.testsupport.FakeModelServer;
import dev.runloom.testsupport.ServiceTest;
import dev.runloom.testsupport.ServiceTestEnvironment;
import dev.runloom.testsupport.TestInfrastructure;
import io.micronaut.json.JsonMapper;
import io.micronaut.json.tree.JsonNode;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static dev.runloom.testsupport.TestTenants.ORG_A;
import static dev.runloom.testsupport.TestTenants.ORG_B;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A17 approvals: a tool named in {@code config.humanInLoopApprovals} pauses the execution
 * ({@code paused}, {@code approval_start}); approve runs it and the loop goes on, deny tells the model
 * (or stops the execution with {@code onDeny: "stop"}); JSON (both provider wire formats) and SSE read
 * by a real HTTP client; the sweeper leaves paused executions alone; isolation and bad bodies.
 */
@ServiceTest("agents")
class AgentApprovalsTest implements TestPropertyProvider {
    @Inject ApiClient<Tenant> api;
    @Inject EmbeddedServer server;
    @Inject InternalTokens tokens;
    @Inject JsonMapper json;
    @Inject ServiceTestEnvironment env;
    @Inject ExecutionSweeper sweeper;
    final FakeModelServer openAi = new FakeModelServer();
    final FakeModelServer anthropic = new FakeModelServer();
    final FakeRecordsService records = new FakeRecordsService();
    SseReader sse;

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
        return p;
    }

    @BeforeAll
    void setUp() {
        sse = new SseReader(server.getURL().toString(), tokens, json);
    }

    @BeforeEach
    void reset() {
        openAi.reset();
        anthropic.reset();
        records.requests.clear();
        records.add("org_a", "customer", "rec_acme", "Acme", "gold");
    }

    @AfterAll
    void stop() {
        openAi.close();
        anthropic.close();
        records.close();
    }

    static final String LOOKUP = "@retrieve-record{\"recordType\":\"customer\",\"name\":\"Acme\"}";

    private String agent(String model, String approvals) {
        Reply created = api.post("/v1/agents", """
                {"name": "Careful", "config": {"model": "%s", "tools": ["retrieve-record"],
                 "humanInLoopApprovals": %s}}""".formatted(model, approvals), ORG_A);
        assertThat(created.status()).as(created.raw()).isEqualTo(201);
        return created.string("id");
    }

    private Reply execute(String agentId, String message) {
        return api.post("/v1/agents/" + agentId + "/execute", Map.of("messages",
                List.of(Map.of("role", "user", "content", message)), "options", Map.of("streamResponse", false)), ORG_A);
    }

    private Reply approve(String agentId, String executionId, String approvalId, String decision, Tenant tenant) {
        return api.post("/v1/agents/" + agentId + "/approve", Map.of("executionId", executionId,
                "approvalId", approvalId, "decision", decision, "streamResponse", false), tenant);
    }

    private JsonNode detail(String agentId, String executionId) {
        return api.get("/v1/agents/" + agentId + "/executions/" + executionId, ORG_A).tree();
    }

    private JsonNode toolCalls(String agentId, String executionId) {
        return api.get("/v1/agents/" + agentId + "/executions/" + executionId + "/tool-calls", ORG_A).tree().get("data");
    }

    @Test
    void approvedToolRunsAndTheLoopGoesOnOpenAi() {
        openAi.enqueue(
                FakeModelServer.Reply.openAiToolCall("call_1", "retrieve-record", "{\"recordType\":\"customer\",\"name\":\"Acme\"}"),
                FakeModelServer.Reply.openAi("Acme is on the gold plan.", 50, 8, 0));
        String agentId = agent("openai/gpt-4o-mini", "[\"retrieve-record\"]");
        Reply paused = execute(agentId, "What plan is Acme on?");
        assertThat(paused.status()).as(paused.raw()).isEqualTo(200);
        assertThat(paused.string("status")).isEqualTo("paused");
        assertThat(paused.tree().get("stopReason").isNull()).isTrue();
        assertThat(paused.tree().get("completedAt").isNull()).isTrue();
        assertThat(paused.tree().get("iterations").getIntValue()).isEqualTo(1);
        assertThat(paused.tree().get("totalTokens").getLongValue()).isEqualTo(27);
        JsonNode approval = paused.tree().get("approval");
        assertThat(approval.get("toolName").getStringValue()).isEqualTo("retrieve-record");
        assertThat(approval.get("providerCallId").getStringValue()).isEqualTo("call_1");
        assertThat(approval.get("parameters").get("name").getStringValue()).isEqualTo("Acme");
        String executionId = paused.string("executionId");
        String approvalId = approval.get("approvalId").getStringValue();
        assertThat(approvalId).startsWith("approval_");
        // nothing ran yet: the tool waits for the decision, the execution shows paused with its first turn
        assertThat(records.requests).isEmpty();
        JsonNode waiting = detail(agentId, executionId);
        assertThat(waiting.get("status").getStringValue()).isEqualTo("paused");
        assertThat(waiting.get("iterations").getIntValue()).isEqualTo(1);
        assertThat(waiting.get("iterationDetails").size()).isEqualTo(1);
        assertThat(toolCalls(agentId, executionId).size()).isZero();
        assertThat(openAi.requests()).hasSize(1);

        Reply done = approve(agentId, executionId, approvalId, "approved", ORG_A);
        assertThat(done.status()).as(done.raw()).isEqualTo(200);
        assertThat(done.string("status")).isEqualTo("completed");
        assertThat(done.string("stopReason")).isEqualTo("end_turn");
        assertThat(done.string("finalOutput")).isEqualTo("Acme is on the gold plan.");
        assertThat(done.tree().get("iterations").getIntValue()).isEqualTo(2);
        assertThat(done.tree().get("totalTokens").getLongValue()).isEqualTo(27 + 58);
        assertThat(done.tree().get("approval")).isNull();
        // the model read the tool's result after the approval, with the conversation from before the pause
        List<FakeModelServer.Recorded> sent = openAi.requests();
        assertThat(sent).hasSize(2);
        String second = sent.get(1).body().replace(" ", "");
        assertThat(second).contains("Whatplan").contains("\"role\":\"tool\"").contains("call_1").contains("gold");

        JsonNode stored = detail(agentId, executionId);
        assertThat(stored.get("status").getStringValue()).isEqualTo("completed");
        assertThat(stored.get("iterationDetails").size()).isEqualTo(2);
        assertThat(stored.get("iterationDetails").get(0).get("toolCalls").getIntValue()).isEqualTo(1);
        JsonNode calls = toolCalls(agentId, executionId);
        assertThat(calls.size()).isEqualTo(1);
        assertThat(calls.get(0).get("status").getStringValue()).isEqualTo("completed");
        assertThat(calls.get(0).get("id").getStringValue()).isEqualTo(approval.get("toolCallId").getStringValue());

        // a decision is taken once
        approve(agentId, executionId, approvalId, "approved", ORG_A).assertProblem(409, "approval_decided");
        approve(agentId, executionId, approvalId, "denied", ORG_A).assertProblem(409, "approval_decided");
    }

    @Test
    void deniedToolIsADenialTheModelReadsAnthropic() {
        anthropic.enqueue(
                FakeModelServer.Reply.anthropicToolUse("toolu_1", "retrieve-record", "{\"recordType\":\"customer\",\"name\":\"Acme\"}"),
                FakeModelServer.Reply.anthropic("I was not allowed to look.", 60, 9, 0));
        String agentId = agent("anthropic/claude-test", "true");
        Reply paused = execute(agentId, "What plan is Acme on?");
        assertThat(paused.string("status")).as(paused.raw()).isEqualTo("paused");
        String approvalId = paused.tree().get("approval").get("approvalId").getStringValue();

        Reply done = approve(agentId, paused.string("executionId"), approvalId, "denied", ORG_A);
        assertThat(done.status()).as(done.raw()).isEqualTo(200);
        assertThat(done.string("status")).isEqualTo("completed");
        assertThat(done.string("finalOutput")).isEqualTo("I was not allowed to look.");
        assertThat(records.requests).isEmpty();
        String second = anthropic.requests().get(1).body().replace(" ", "");
        assertThat(second).contains("tool_result").contains("toolu_1").contains("denied");
        JsonNode calls = toolCalls(agentId, paused.string("executionId"));
        assertThat(calls.get(0).get("status").getStringValue()).isEqualTo("failed");
        assertThat(calls.get(0).get("errorMessage").getStringValue()).contains("denied").contains("user_a");
    }

    @Test
    void aDenialStopsTheExecutionWhenTheAgentSaysSo() {
        String agentId = agent("local", "{\"tools\": [\"retrieve-record\"], \"onDeny\": \"stop\"}");
        Reply paused = execute(agentId, "Look up " + LOOKUP);
        assertThat(paused.string("status")).as(paused.raw()).isEqualTo("paused");
        String executionId = paused.string("executionId");
        Reply done = approve(agentId, executionId, paused.tree().get("approval").get("approvalId").getStringValue(),
                "denied", ORG_A);
        assertThat(done.status()).as(done.raw()).isEqualTo(200);
        assertThat(done.string("status")).isEqualTo("cancelled");
        assertThat(done.string("stopReason")).isEqualTo("approval_denied");
        assertThat(done.tree().get("error").get("code").getStringValue()).isEqualTo("approval_denied");
        assertThat(done.tree().get("iterations").getIntValue()).isEqualTo(1); // the model was not asked again
        JsonNode stored = detail(agentId, executionId);
        assertThat(stored.get("status").getStringValue()).isEqualTo("cancelled");
        assertThat(stored.get("completedAt").isNull()).isFalse();
        assertThat(toolCalls(agentId, executionId).get(0).get("status").getStringValue()).isEqualTo("failed");
    }

    @Test
    void approvalOverSseContinuesTheStreamsSeq() throws Exception {
        String agentId = agent("local", "[\"retrieve-record\"]");
        List<Frame> first = sse.postAll("/v1/agents/" + agentId + "/execute",
                "{\"messages\": [{\"role\": \"user\", \"content\": " + quote("Check " + LOOKUP) + "}]}", ORG_A);
        assertThat(first).extracting(Frame::type).containsExactly("execution_start", "turn_start", "approval_start");
        Frame approval = first.getLast();
        assertThat(approval.data().get("toolName").getStringValue()).isEqualTo("retrieve-record");
        assertThat(approval.data().get("parameters").get("name").getStringValue()).isEqualTo("Acme");
        String executionId = approval.data().get("executionId").getStringValue();
        String approvalId = approval.data().get("approvalId").getStringValue();
        assertThat(detail(agentId, executionId).get("status").getStringValue()).isEqualTo("paused");

        List<Frame> rest = sse.postAll("/v1/agents/" + agentId + "/approve", """
                {"executionId": "%s", "approvalId": "%s", "decision": "approved"}""".formatted(executionId, approvalId),
                ORG_A);
        assertThat(rest).extracting(Frame::type).containsExactly("approval_complete", "tool_start", "tool_complete",
                "turn_complete", "turn_start", "text_start", "text_delta", "text_complete", "turn_complete",
                "execution_complete");
        for (int i = 0; i < rest.size(); i++) {
            assertThat(rest.get(i).id()).isEqualTo(Integer.toString(3 + i));
            assertThat(rest.get(i).data().get("seq").getIntValue()).isEqualTo(3 + i);
            assertThat(rest.get(i).data().get("executionId").getStringValue()).isEqualTo(executionId);
        }
        assertThat(rest.getFirst().data().get("decision").getStringValue()).isEqualTo("approved");
        assertThat(rest.get(2).data().get("toolCallId").getStringValue())
                .isEqualTo(approval.data().get("toolCallId").getStringValue());
        assertThat(rest.get(2).data().get("result").get("metadata").get("plan").getStringValue()).isEqualTo("gold");
        JsonNode complete = rest.getLast().data();
        assertThat(complete.get("success").getBooleanValue()).isTrue();
        assertThat(complete.get("iterations").getIntValue()).isEqualTo(2);
        assertThat(complete.get("finalOutput").getStringValue()).contains("gold");

        // the durable log has both halves, in one seq
        List<Frame> replayed = sse.readAll(sse.get("/v1/agents/" + agentId + "/executions/" + executionId + "/events",
                ORG_A));
        assertThat(replayed).hasSize(first.size() + rest.size());
        assertThat(replayed.stream().filter(f -> f.type().startsWith("execution_"))).hasSize(2); // start + complete
    }

    @Test
    void sseDenialAndAnExecutionThatPausesTwice() throws Exception {
        String agentId = agent("local", "true");
        List<Frame> first = sse.postAll("/v1/agents/" + agentId + "/execute", "{\"messages\": [{\"role\": \"user\", "
                + "\"content\": " + quote("Both " + LOOKUP + " and " + LOOKUP) + "}]}", ORG_A);
        assertThat(first.getLast().type()).isEqualTo("approval_start");
        String executionId = first.getLast().data().get("executionId").getStringValue();
        List<Frame> second = sse.postAll("/v1/agents/" + agentId + "/approve", """
                {"executionId": "%s", "approvalId": "%s", "decision": "denied"}"""
                .formatted(executionId, first.getLast().data().get("approvalId").getStringValue()), ORG_A);
        // the first call is denied, the second one of the same turn needs its own approval
        assertThat(second).extracting(Frame::type).containsExactly("approval_complete", "tool_start", "tool_complete",
                "approval_start");
        assertThat(second.get(2).data().get("success").getBooleanValue()).isFalse();
        assertThat(second.get(2).data().get("error").getStringValue()).contains("denied");
        String secondApproval = second.getLast().data().get("approvalId").getStringValue();
        // while it waits again, the denied call is on the record already
        assertThat(toolCalls(agentId, executionId).size()).isEqualTo(1);
        assertThat(secondApproval).isNotEqualTo(first.getLast().data().get("approvalId").getStringValue());
        List<Frame> third = sse.postAll("/v1/agents/" + agentId + "/approve", """
                {"executionId": "%s", "approvalId": "%s", "decision": "approved"}""".formatted(executionId, secondApproval),
                ORG_A);
        assertThat(third.getFirst().id()).isEqualTo(Integer.toString(first.size() + second.size()));
        assertThat(third.getLast().type()).isEqualTo("execution_complete");
        JsonNode calls = toolCalls(agentId, executionId);
        assertThat(calls.size()).isEqualTo(2);
        assertThat(calls.get(0).get("status").getStringValue()).isEqualTo("failed");
        assertThat(calls.get(1).get("status").getStringValue()).isEqualTo("completed");
    }

    @Test
    void theSweeperLeavesPausedExecutionsAlone() throws Exception {
        String agentId = agent("local", "true");
        Reply paused = execute(agentId, LOOKUP);
        String executionId = paused.string("executionId");
        // paused since long ago, and no heartbeat for as long: not a dead worker, nobody runs it
        sql("UPDATE agent_executions SET heartbeat_at = ?, started_at = ? WHERE id = ?",
                Timestamp.from(Instant.now().minus(2, ChronoUnit.HOURS)),
                Timestamp.from(Instant.now().minus(2, ChronoUnit.HOURS)), executionId);
        sweeper.sweep();
        assertThat(detail(agentId, executionId).get("status").getStringValue()).isEqualTo("paused");
        // approving refreshes the heartbeat: the continuation is not mistaken for a dead worker either
        Reply done = approve(agentId, executionId, paused.tree().get("approval").get("approvalId").getStringValue(),
                "approved", ORG_A);
        assertThat(done.string("status")).as(done.raw()).isEqualTo("completed");
        assertThat(sweeper.sweep()).isZero();
        assertThat(detail(agentId, executionId).get("status").getStringValue()).isEqualTo("completed");
    }

    @Test
    void isolationAndBadBodies() {
        String agentId = agent("local", "true");
        Reply paused = execute(agentId, LOOKUP);
        String executionId = paused.string("executionId");
        String approvalId = paused.tree().get("approval").get("approvalId").getStringValue();
        String path = "/v1/agents/" + agentId + "/approve";

        // another organization sees nothing, exactly like unknown ids
        approve(agentId, executionId, approvalId, "approved", ORG_B).assertProblem(404, "not_found");
        approve("agent_missing", executionId, approvalId, "approved", ORG_A).assertProblem(404, "not_found");
        approve(agentId, "exec_missing", approvalId, "approved", ORG_A).assertProblem(404, "not_found");
        approve(agentId, executionId, "approval_missing", "approved", ORG_A).assertProblem(404, "not_found");
        approve(agentId, executionId, "' OR 1=1 --", "approved", ORG_A).assertProblem(404, "not_found");
        String otherAgent = agent("local", "true");
        approve(otherAgent, executionId, approvalId, "approved", ORG_A).assertProblem(404, "not_found");
        // bad bodies
        api.post(path, "{\"executionId\": \"" + executionId + "\", \"approvalId\": \"" + approvalId
                + "\", \"decision\": \"maybe\"}", ORG_A).assertProblem(400);
        api.post(path, "{\"executionId\": \"" + executionId + "\", \"approvalId\": \"" + approvalId + "\"}", ORG_A)
                .assertProblem(400);
        api.post(path, "{\"executionId\": \"" + executionId + "\", \"approvalId\": \"" + approvalId
                + "\", \"decision\": \"approved\", \"streamResponse\": \"yes\"}", ORG_A).assertProblem(400);
        api.post(path, "{\"executionId\": 12, \"approvalId\": \"" + approvalId + "\", \"decision\": \"approved\"}",
                ORG_A).assertProblem(400);
        api.post(path, "{\"executionId\": \"\", \"approvalId\": \"" + approvalId + "\", \"decision\": \"approved\"}",
                ORG_A).assertProblem(400);
        api.post(path, "{\"executionId\": \"" + executionId + "\", \"approvalId\": \"" + "x".repeat(10_000)
                + "\", \"decision\": \"approved\"}", ORG_A).assertProblem(400);
        api.post(path, "{\"executionId\": \"" + executionId + "\"", ORG_A).assertProblem(400);
        api.post(path, "[]", ORG_A).assertProblem(400);
        api.post(path, "{\"executionId\": \"" + executionId + "\u0000\", \"approvalId\": \"" + approvalId
                + "\", \"decision\": \"approved\"}", ORG_A).assertProblem(400);
        // resume is for client tools, not approvals
        api.post("/v1/agents/" + agentId + "/resume", Map.of("executionId", executionId, "toolOutputs", Map.of(),
                "streamResponse", false), ORG_A).assertProblem(409, "execution_not_awaiting");
        // none of it touched the pause
        assertThat(detail(agentId, executionId).get("status").getStringValue()).isEqualTo("paused");
        assertThat(approve(agentId, executionId, approvalId, "approved", ORG_A).string("status")).isEqualTo("completed");
        // a finished execution has nothing to approve
        approve(agentId, executionId, approvalId, "approved", ORG_A).assertProblem(409, "approval_decided");
    }

    @Test
    void concurrentDecisionsOnOneApprovalRunItOnce() throws Exception {
        String agentId = agent("local", "true");
        Reply paused = execute(agentId, LOOKUP);
        String executionId = paused.string("executionId");
        String approvalId = paused.tree().get("approval").get("approvalId").getStringValue();
        List<java.util.concurrent.Callable<Integer>> decisions = new java.util.ArrayList<>();
        for (int i = 0; i < 6; i++) {
            String decision = i % 2 == 0 ? "approved" : "denied";
            decisions.add(() -> approve(agentId, executionId, approvalId, decision, ORG_A).status());
        }
        List<Integer> statuses = new java.util.ArrayList<>();
        try (var pool = java.util.concurrent.Executors.newFixedThreadPool(6)) {
            for (var answered : pool.invokeAll(decisions)) {
                statuses.add(answered.get());
            }
        }
        assertThat(statuses).filteredOn(s -> s == 200).hasSize(1);
        assertThat(statuses).filteredOn(s -> s == 409).hasSize(5);
        assertThat(toolCalls(agentId, executionId).size()).isEqualTo(1);
        assertThat(detail(agentId, executionId).get("status").getStringValue()).isEqualTo("completed");
    }

    @Test
    void unattendedRunsCannotPause() {
        // a flow step's run (internal API) has nobody to ask: the tool fails and the model reads why
        String agentId = agent("local", "true");
        Reply run = api.post("/internal/agents/" + agentId + "/runs", Map.of("idempotencyKey", "k-approvals-1",
                "message", LOOKUP), ORG_A);
        assertThat(run.status()).as(run.raw()).isIn(200, 201);
        String executionId = run.string("executionId");
        JsonNode stored = detail(agentId, executionId);
        assertThat(stored.get("status").getStringValue()).isEqualTo("completed");
        assertThat(toolCalls(agentId, executionId).get(0).get("errorMessage").getStringValue()).contains("approval");
    }

    private void sql(String statement, Object... params) throws SQLException {
        TestInfrastructure infra = TestInfrastructure.get();
        try (Connection c = DriverManager.getConnection(env.jdbcUrl(), infra.dbUser(), infra.dbPassword());
             PreparedStatement update = c.prepareStatement(statement)) {
            for (int i = 0; i < params.length; i++) {
                update.setObject(i + 1, params[i]);
            }
            assertThat(update.executeUpdate()).isEqualTo(1);
        }
    }

    static String quote(String text) {
        return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
