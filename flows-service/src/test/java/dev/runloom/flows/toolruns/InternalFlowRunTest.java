package dev.runloom.flows.toolruns;

import dev.runloom.common.tenant.Tenant;
import dev.runloom.testsupport.ApiClient;
import dev.runloom.testsupport.ApiClient.Reply;
import dev.runloom.testsupport.ServiceTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

import static dev.runloom.testsupport.TestTenants.ORG_A;
import static dev.runloom.testsupport.TestTenants.ORG_B;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code POST /internal/flows/{id}/run} (agents' flow tools): the flow runs inline with the given
 * variables on the engine batches use; the answer carries its result, tokens and cost; its step
 * results are stored with the agent tool call as their record stand-in (recordId = tool call id,
 * recordMetadata = the agent execution), so they are found from the agent side.
 */
@ServiceTest("flows")
class InternalFlowRunTest {
    @Inject ApiClient<Tenant> api;

    private String flow() {
        Reply created = api.post("/v1/flows", Map.of("name", "Tool flow", "flowSteps", List.of(
                Map.of("type", "template", "name", "Greet",
                        "config", Map.of("template", "Hello {{topic}} for {{_record.metadata.agentExecutionId}}")),
                Map.of("type", "prompt", "name", "Answer", "config", Map.of("userPrompt", "Say: {{previous_output}}")))),
                ORG_A);
        assertThat(created.status()).as(created.raw()).isEqualTo(201);
        return created.string("id");
    }

    private static Map<String, Object> request(Object variables) {
        return Map.of("variables", variables, "agentExecutionId", "exec_agent1", "toolCallId", "toolcall_1",
                "agentId", "agent_1");
    }

    @Test
    void runsTheFlowWithTheVariablesAndLinksItsStepResultsToTheToolCall() {
        String flowId = flow();
        Reply run = api.post("/internal/flows/" + flowId + "/run", request(Map.of("topic", "cats")), ORG_A);
        assertThat(run.status()).as(run.raw()).isEqualTo(200);
        assertThat(run.string("executionId")).startsWith("exec_");
        assertThat(run.string("flowId")).isEqualTo(flowId);
        assertThat(run.string("status")).isEqualTo("completed");
        assertThat(run.body().get("success")).isEqualTo(true);
        assertThat(String.valueOf(run.body().get("result"))).contains("Hello cats for exec_agent1");
        assertThat(((Number) run.body().get("totalTokens")).longValue()).isPositive();
        assertThat(new BigDecimal(run.string("totalCost"))).isPositive();

        Reply steps = api.get("/v1/flows/" + flowId + "/step-results?includeDetails=true&recordId=toolcall_1", ORG_A);
        assertThat(steps.status()).as(steps.raw()).isEqualTo(200);
        assertThat(steps.data()).hasSize(2);
        assertThat(steps.data()).allSatisfy(step -> {
            assertThat(step.get("executionSessionId")).isEqualTo(run.string("executionId"));
            assertThat(step.get("recordId")).isEqualTo("toolcall_1");
            assertThat(step.get("status")).isEqualTo("completed");
        });
        assertThat(steps.raw()).contains("\"agentExecutionId\":\"exec_agent1\"").contains("Hello cats for exec_agent1");
    }

    @Test
    void otherOrganizationsUnknownFlowsAndBadBodiesAreProblems() {
        String flowId = flow();
        api.post("/internal/flows/" + flowId + "/run", request(Map.of()), ORG_B).assertProblem(404, "not_found");
        api.post("/internal/flows/flow_missing/run", request(Map.of()), ORG_A).assertProblem(404, "not_found");
        api.post("/internal/flows/" + flowId + "/run", Map.of("variables", Map.of()), ORG_A).assertProblem(400);
        api.post("/internal/flows/" + flowId + "/run", Map.of("variables", "x", "agentExecutionId", "e",
                "toolCallId", "t", "agentId", "a"), ORG_A).assertProblem(400);
        assertThat(api.post("/internal/flows/" + flowId + "/run", request(Map.of()), null).status()).isEqualTo(401);
        assertThat(api.get("/v1/flows/" + flowId + "/step-results", ORG_A).data()).isEmpty();
    }
}
