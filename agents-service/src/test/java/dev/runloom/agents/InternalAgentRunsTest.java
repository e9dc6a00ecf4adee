package dev.runloom.agents;

import dev.runloom.common.tenant.Tenant;
import dev.runloom.testsupport.ApiClient;
import dev.runloom.testsupport.ApiClient.Reply;
import dev.runloom.testsupport.ServiceTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static dev.runloom.testsupport.TestTenants.ORG_A;
import static dev.runloom.testsupport.TestTenants.ORG_B;
import static org.assertj.core.api.Assertions.assertThat;

/** The internal run flow steps use: one agent execution per idempotency key, however often it is asked. */
@ServiceTest("agents")
class InternalAgentRunsTest {
    @Inject ApiClient<Tenant> api;

    @Test
    void aKeyRunsTheAgentOnce() {
        String agentId = api.post("/v1/agents", "{\"name\": \"Helper\"}", ORG_A).string("id");
        String path = "/internal/agents/" + agentId + "/runs";

        Reply first = api.post(path, Map.of("idempotencyKey", "exec_1:step_a", "message", "Summarize Acme"), ORG_A);
        assertThat(first.status()).as(first.raw()).isEqualTo(200);
        assertThat(first.body()).containsEntry("agentId", agentId).containsEntry("status", "completed")
                .containsEntry("replayed", false);
        assertThat(first.string("finalOutput")).isNotBlank();
        String executionId = first.string("executionId");

        Reply again = api.post(path, Map.of("idempotencyKey", "exec_1:step_a", "message", "Summarize Acme"), ORG_A);
        assertThat(again.body()).containsEntry("executionId", executionId).containsEntry("replayed", true)
                .containsEntry("finalOutput", first.string("finalOutput"));
        assertThat(api.get("/v1/agents/" + agentId + "/executions", ORG_A).data()).hasSize(1);

        Reply other = api.post(path, Map.of("idempotencyKey", "exec_2:step_a", "message", "Again"), ORG_A);
        assertThat(other.string("executionId")).isNotEqualTo(executionId);
    }

    @Test
    void unknownAgentsAndBadBodiesAreProblemsAndLeaveTheKeyFree() {
        String agentId = api.post("/v1/agents", "{\"name\": \"Mine\"}", ORG_A).string("id");
        api.post("/internal/agents/" + agentId + "/runs", Map.of("idempotencyKey", "k1", "message", "hi"), ORG_B)
                .assertProblem(404);
        api.post("/internal/agents/agent_missing/runs", Map.of("idempotencyKey", "k1", "message", "hi"), ORG_A)
                .assertProblem(404);
        // the failed attempts did not use the key up
        assertThat(api.post("/internal/agents/" + agentId + "/runs", Map.of("idempotencyKey", "k1", "message", "hi"), ORG_A)
                .body()).containsEntry("replayed", false);

        api.post("/internal/agents/" + agentId + "/runs", Map.of("message", "hi"), ORG_A).assertProblem(400, "validation_failed");
        api.post("/internal/agents/" + agentId + "/runs", Map.of("idempotencyKey", "k2"), ORG_A).assertProblem(400, "validation_failed");
        api.post("/internal/agents/" + agentId + "/runs", "{\"idempotencyKey\": \"k2\", \"message\": {\"x\": 1}}", ORG_A).assertProblem(400);
        api.post("/internal/agents/" + agentId + "/runs", Map.of("idempotencyKey", "k2", "message", "hi"), null).assertProblem(401);
    }
}
