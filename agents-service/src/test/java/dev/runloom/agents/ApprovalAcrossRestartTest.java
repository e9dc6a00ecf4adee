package dev.runloom.agents;

import dev.runloom.common.tenant.InternalTokens;
import dev.runloom.common.tenant.Tenant;
import dev.runloom.testsupport.ApiClient;
import dev.runloom.testsupport.ApiClient.Reply;
import dev.runloom.testsupport.FakeModelServer;
import dev.runloom.testsupport.MicronautTestInfra;
import io.micronaut.context.ApplicationContext;
import io.micronaut.context.env.Environment;
import io.micronaut.http.client.HttpClient;
import io.micronaut.json.JsonMapper;
import io.micronaut.json.tree.JsonNode;
import io.micronaut.runtime.server.EmbeddedServer;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static dev.runloom.testsupport.TestTenants.ORG_A;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * An execution paused for an approval survives a restart of the service: the first instance's
 * application context is stopped while the execution is paused, a new one starts on the same database
 * (nothing of the first survives but what it stored), and the approval there runs the tool and
 * finishes the execution with the conversation from before the restart. Not a {@code @ServiceTest}:
 * the test owns the two application contexts (on the same per-class database and topic prefix).
 */
class ApprovalAcrossRestartTest {

    private static ApiClient<Tenant> client(EmbeddedServer server) {
        ApplicationContext context = server.getApplicationContext();
        HttpClient http = context.createBean(HttpClient.class, server.getURL());
        InternalTokens tokens = context.getBean(InternalTokens.class);
        return new ApiClient<>(http, context.getBean(JsonMapper.class), InternalTokens.HEADER, tokens::sign);
    }

    @Test
    void aPausedExecutionIsApprovedAfterARestart() throws Exception {
        try (FakeModelServer openAi = new FakeModelServer(); FakeRecordsService records = new FakeRecordsService()) {
            records.add("org_a", "customer", "rec_acme", "Acme", "gold");
            Map<String, Object> properties = new HashMap<>(MicronautTestInfra.serviceProperties("agents"));
            properties.putAll(records.serviceProperties());
            properties.put("runloom.models.providers.openai.base-url", openAi.baseUrl());
            properties.put("runloom.models.providers.openai.api-key", "sk-agents-test");
            openAi.enqueue(
                    FakeModelServer.Reply.openAiToolCall("call_1", "retrieve-record",
                            "{\"recordType\":\"customer\",\"name\":\"Acme\"}"),
                    FakeModelServer.Reply.openAi("Acme is on the gold plan.", 50, 8, 0));

            String agentId;
            String executionId;
            String approvalId;
            EmbeddedServer first = ApplicationContext.run(EmbeddedServer.class, properties, Environment.TEST);
            try {
                ApiClient<Tenant> api = client(first);
                Reply created = api.post("/v1/agents", """
                        {"name": "Careful", "config": {"model": "openai/gpt-4o-mini", "tools": ["retrieve-record"],
                         "humanInLoopApprovals": ["retrieve-record"]}}""", ORG_A);
                agentId = created.string("id");
                Reply paused = api.post("/v1/agents/" + agentId + "/execute", Map.of("messages",
                        List.of(Map.of("role", "user", "content", "What plan is Acme on?")),
                        "options", Map.of("streamResponse", false)), ORG_A);
                assertThat(paused.string("status")).as(paused.raw()).isEqualTo("paused");
                executionId = paused.string("executionId");
                approvalId = paused.tree().get("approval").get("approvalId").getStringValue();
            } finally {
                first.getApplicationContext().close();
            }
            assertThat(first.isRunning()).isFalse();

            EmbeddedServer second = ApplicationContext.run(EmbeddedServer.class, properties, Environment.TEST);
            try {
                ApiClient<Tenant> api = client(second);
                String detail = "/v1/agents/" + agentId + "/executions/" + executionId;
                assertThat(api.get(detail, ORG_A).tree().get("status").getStringValue()).isEqualTo("paused");
                Reply done = api.post("/v1/agents/" + agentId + "/approve", Map.of("executionId", executionId,
                        "approvalId", approvalId, "decision", "approved", "streamResponse", false), ORG_A);
                assertThat(done.status()).as(done.raw()).isEqualTo(200);
                assertThat(done.string("status")).isEqualTo("completed");
                assertThat(done.string("finalOutput")).isEqualTo("Acme is on the gold plan.");
                assertThat(done.tree().get("iterations").getIntValue()).isEqualTo(2);
                assertThat(done.tree().get("totalTokens").getLongValue()).isEqualTo(27 + 58);
                assertThat(records.requests).containsExactly("org_a customer");
                // the model got the whole conversation back: the question, its tool call and the result
                String resumed = openAi.requests().get(1).body().replace(" ", "");
                assertThat(resumed).contains("WhatplanisAcmeon?").contains("\"tool_calls\"").contains("call_1")
                        .contains("gold");
                JsonNode stored = api.get(detail, ORG_A).tree();
                assertThat(stored.get("iterationDetails").size()).isEqualTo(2);
                // the durable log is one stream across the restart: seq 0..n without a gap
                SseReader sse = new SseReader(second.getURL().toString(),
                        second.getApplicationContext().getBean(InternalTokens.class),
                        second.getApplicationContext().getBean(JsonMapper.class));
                List<SseReader.Frame> events = sse.readAll(sse.get(detail + "/events", ORG_A));
                for (int i = 0; i < events.size(); i++) {
                    assertThat(events.get(i).id()).isEqualTo(Integer.toString(i));
                }
                assertThat(events).extracting(SseReader.Frame::type).contains("approval_start", "approval_complete")
                        .endsWith("execution_complete");
                api.post("/v1/agents/" + agentId + "/approve", Map.of("executionId", executionId,
                        "approvalId", approvalId, "decision", "approved", "streamResponse", false), ORG_A)
                        .assertProblem(409, "approval_decided");
            } finally {
                second.getApplicationContext().close();
            }
        }
    }
}
