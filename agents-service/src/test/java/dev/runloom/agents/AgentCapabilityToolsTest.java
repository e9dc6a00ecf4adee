package dev.runloom.agents;

import dev.runloom.common.tenant.Tenant;
import dev.runloom.testsupport.ApiClient;
import dev.runloom.testsupport.ApiClient.Reply;
import dev.runloom.testsupport.ServiceTest;
import io.micronaut.json.JsonMapper;
import io.micronaut.json.tree.JsonNode;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static dev.runloom.testsupport.TestTenants.ORG_A;
import static dev.runloom.testsupport.TestTenants.ORG_B;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Capabilities as tools in the loop, on the local model's deterministic tool mode: a flow tool run by
 * flows-service (a fake on loopback answering {@code POST /internal/flows/{id}/run}), sub-agents two
 * levels deep as child executions whose tokens and cost roll up into their parents', and the guards:
 * a cycle and a too-deep chain are tool errors, and the loop goes on.
 */
@ServiceTest("agents")
class AgentCapabilityToolsTest implements TestPropertyProvider {
    private static final String FLOW_RUN = """
            {"executionId":"exec_flowrun1","flowId":"flow_sum","flowVersionId":"fv_1","status":"completed",
             "success":true,"error":null,"result":"Cats are great.","totalTokens":30,"totalCost":"0.00012","durationMs":5}""";

    private final FakeFlowsService flows = new FakeFlowsService();

    @Inject ApiClient<Tenant> api;
    @Inject JsonMapper json;

    @Override
    public Map<String, String> getProperties() {
        flows.onRun(ORG_A.organizationId(), "flow_sum", FLOW_RUN);
        flows.addFlow(ORG_A.organizationId(), "flow_gone"); // exists when bound, gone when run (404)
        return flows.serviceProperties();
    }

    @AfterAll
    void stop() {
        flows.close();
    }

    private String agent(String name) {
        Reply created = api.post("/v1/agents", Map.of("name", name), ORG_A);
        assertThat(created.status()).as(created.raw()).isEqualTo(201);
        return created.string("id");
    }

    private void capability(String agentId, Map<String, Object> body) {
        Reply added = api.post("/v1/agents/" + agentId + "/capabilities", body, ORG_A);
        assertThat(added.status()).as(added.raw()).isEqualTo(201);
    }

    private Reply execute(String agentId, String message) {
        Reply executed = api.post("/v1/agents/" + agentId + "/execute", Map.of("messages",
                List.of(Map.of("role", "user", "content", message)), "options", Map.of("streamResponse", false)), ORG_A);
        assertThat(executed.status()).as(executed.raw()).isEqualTo(200);
        return executed;
    }

    private Reply detail(String agentId, String executionId) {
        Reply detail = api.get("/v1/agents/" + agentId + "/executions/" + executionId, ORG_A);
        assertThat(detail.status()).as(detail.raw()).isEqualTo(200);
        return detail;
    }

    private JsonNode toolCalls(String agentId, String executionId) {
        return api.get("/v1/agents/" + agentId + "/executions/" + executionId + "/tool-calls", ORG_A).tree().get("data");
    }

    private JsonNode toolCall(String agentId, String executionId, String toolCallId) {
        return api.get("/v1/agents/" + agentId + "/executions/" + executionId + "/tool-calls/" + toolCallId, ORG_A).tree();
    }

    /** What the execution's own model calls cost and used (its iterations), without its tools'. */
    private static BigDecimal ownCost(Reply detail) {
        BigDecimal cost = BigDecimal.ZERO;
        for (JsonNode it : detail.tree().get("iterationDetails").values()) {
            cost = cost.add(new BigDecimal(it.get("cost").getStringValue()));
        }
        return cost;
    }

    private static long ownTokens(Reply detail) {
        long tokens = 0;
        for (JsonNode it : detail.tree().get("iterationDetails").values()) {
            tokens += it.get("totalTokens").getLongValue();
        }
        return tokens;
    }

    private static BigDecimal cost(Reply detail) {
        return new BigDecimal(detail.string("totalCost"));
    }

    private String jsonText(Object value) {
        try {
            return new String(json.writeValueAsBytes(value), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void aFlowToolRunsTheFlowThroughFlowsServiceAndItsCostRollsUp() {
        String agentId = agent("Flow user");
        capability(agentId, Map.of("toolName", "summarize", "flowId", "flow_sum", "toolDescription", "Summarize a topic",
                "parametersSchema", Map.of("type", "object", "properties", Map.of("topic", Map.of("type", "string")))));
        capability(agentId, Map.of("toolName", "vanished", "flowId", "flow_gone"));

        Reply executed = execute(agentId, "Please @summarize{\"topic\":\"cats\"} and @vanished{}");
        assertThat(executed.string("status")).isEqualTo("completed");
        assertThat(executed.tree().get("iterations").getIntValue()).isEqualTo(2);
        String executionId = executed.string("executionId");

        JsonNode calls = toolCalls(agentId, executionId);
        assertThat(calls.size()).isEqualTo(2);
        assertThat(calls.get(0).get("toolName").getStringValue()).isEqualTo("summarize");
        assertThat(calls.get(0).get("toolId").getStringValue()).isEqualTo("flow:summarize");
        assertThat(calls.get(0).get("toolDescription").getStringValue()).isEqualTo("Summarize a topic");
        assertThat(calls.get(0).get("status").getStringValue()).isEqualTo("completed");
        // a flow that no longer exists is a tool error, and the loop went on
        assertThat(calls.get(1).get("status").getStringValue()).isEqualTo("failed");
        assertThat(calls.get(1).get("errorMessage").getStringValue()).contains("flow_gone").contains("does not exist");

        String toolCallId = calls.get(0).get("id").getStringValue();
        JsonNode call = toolCall(agentId, executionId, toolCallId);
        assertThat(call.get("inputParameters").get("topic").getStringValue()).isEqualTo("cats");
        assertThat(call.get("outputResult").get("flowExecutionId").getStringValue()).isEqualTo("exec_flowrun1");
        assertThat(call.get("outputResult").get("result").getStringValue()).isEqualTo("Cats are great.");

        // flows-service was asked over HTTP, as the caller's organization, with the arguments as variables
        // and the tool call the run belongs to
        String request = flows.runRequests.stream().filter(r -> r.contains(toolCallId)).findFirst().orElseThrow();
        assertThat(request).startsWith("org_a flow_sum ");
        Map<String, Object> body = parse(request.substring("org_a flow_sum ".length()));
        assertThat(body.get("variables")).isEqualTo(Map.of("topic", "cats"));
        assertThat(body.get("agentExecutionId")).isEqualTo(executionId);
        assertThat(body.get("agentId")).isEqualTo(agentId);

        // the model read the flow's result; the flow's tokens and cost are in the execution's totals
        assertThat(executed.string("finalOutput")).contains("does not exist");
        Reply detail = detail(agentId, executionId);
        assertThat(detail.tree().get("totalTokens").getLongValue()).isEqualTo(ownTokens(detail) + 30);
        assertThat(cost(detail)).isEqualByComparingTo(ownCost(detail).add(new BigDecimal("0.00012")));
    }

    @Test
    void subAgentsTwoLevelsDeepAreChildExecutionsWhoseCostRollsUp() {
        String grandchild = agent("Grandchild");
        String child = agent("Child");
        String parent = agent("Parent");
        capability(child, Map.of("toolName", "ask_grand", "subAgentId", grandchild));
        capability(parent, Map.of("toolName", "ask_child", "subAgentId", child));

        String inner = "please @ask_grand" + jsonText(Map.of("message", "hi there"));
        Reply executed = execute(parent, "Go @ask_child" + jsonText(Map.of("message", inner)));
        assertThat(executed.string("status")).isEqualTo("completed");
        String parentExecution = executed.string("executionId");

        // the parent's tool call points to the child execution ...
        JsonNode parentCalls = toolCalls(parent, parentExecution);
        assertThat(parentCalls.size()).isEqualTo(1);
        assertThat(parentCalls.get(0).get("toolId").getStringValue()).isEqualTo("agent:ask_child");
        JsonNode parentCall = toolCall(parent, parentExecution, parentCalls.get(0).get("id").getStringValue());
        assertThat(parentCall.get("status").getStringValue()).isEqualTo("completed");
        assertThat(parentCall.get("inputParameters").get("message").getStringValue()).isEqualTo(inner);
        String childExecution = parentCall.get("outputResult").get("executionId").getStringValue();
        assertThat(parentCall.get("outputResult").get("agentId").getStringValue()).isEqualTo(child);

        // ... which A10 reads under the child agent, naming its parent, and which made its own tool call
        Reply childDetail = detail(child, childExecution);
        assertThat(childDetail.string("parentExecutionId")).isEqualTo(parentExecution);
        assertThat(childDetail.string("status")).isEqualTo("completed");
        assertThat(childDetail.tree().get("inputMessages").get(0).get("content").getStringValue()).isEqualTo(inner);
        JsonNode childCalls = toolCalls(child, childExecution);
        assertThat(childCalls.size()).isEqualTo(1);
        String grandchildExecution = toolCall(child, childExecution, childCalls.get(0).get("id").getStringValue())
                .get("outputResult").get("executionId").getStringValue();
        Reply grandchildDetail = detail(grandchild, grandchildExecution);
        assertThat(grandchildDetail.string("parentExecutionId")).isEqualTo(childExecution);
        assertThat(grandchildDetail.tree().get("inputMessages").get(0).get("content").getStringValue()).isEqualTo("hi there");

        // cost roll-up: each parent = its own model calls + its children
        BigDecimal grandCost = cost(grandchildDetail);
        assertThat(grandCost).isEqualByComparingTo(ownCost(grandchildDetail)).isPositive();
        assertThat(cost(childDetail)).isEqualByComparingTo(ownCost(childDetail).add(grandCost));
        Reply parentDetail = detail(parent, parentExecution);
        assertThat(cost(parentDetail)).isEqualByComparingTo(ownCost(parentDetail).add(cost(childDetail)));
        assertThat(cost(parentDetail)).isGreaterThan(ownCost(parentDetail).add(ownCost(childDetail)));
        assertThat(new BigDecimal(executed.string("totalCost"))).isEqualByComparingTo(cost(parentDetail));
        assertThat(parentDetail.tree().get("totalTokens").getLongValue()).isEqualTo(ownTokens(parentDetail)
                + ownTokens(childDetail) + ownTokens(grandchildDetail));

        // drill-down: the parent's children across agents (reference §4 item 5)
        Reply children = api.get("/v1/agents/" + parent + "/executions?parentExecutionId=" + parentExecution, ORG_A);
        assertThat(children.data()).extracting(e -> e.get("id")).containsExactly(childExecution);
        assertThat(children.data().getFirst().get("agentId")).isEqualTo(child);
        // another organization sees none of it
        api.get("/v1/agents/" + child + "/executions/" + childExecution, ORG_B).assertProblem(404, "not_found");
        api.get("/v1/agents/" + parent + "/executions?parentExecutionId=" + parentExecution, ORG_B)
                .assertProblem(404, "not_found");
    }

    @Test
    void aCycleIsAToolErrorNotAHang() {
        String x = agent("X");
        String y = agent("Y");
        capability(x, Map.of("toolName", "ask_y", "subAgentId", y));
        capability(y, Map.of("toolName", "ask_x", "subAgentId", x));

        Reply executed = execute(x, "@ask_y" + jsonText(Map.of("message", "@ask_x" + jsonText(Map.of("message", "again")))));
        assertThat(executed.string("status")).isEqualTo("completed");
        String yExecution = toolCall(x, executed.string("executionId"),
                toolCalls(x, executed.string("executionId")).get(0).get("id").getStringValue())
                .get("outputResult").get("executionId").getStringValue();
        JsonNode yCalls = toolCalls(y, yExecution);
        assertThat(yCalls.size()).isEqualTo(1);
        assertThat(yCalls.get(0).get("status").getStringValue()).isEqualTo("failed");
        assertThat(yCalls.get(0).get("errorMessage").getStringValue()).contains("cycle").contains(x);
        assertThat(detail(y, yExecution).string("status")).isEqualTo("completed");
        // X ran once: no execution of X has Y's run as its parent
        assertThat(api.get("/v1/agents/" + x + "/executions?parentExecutionId=" + yExecution, ORG_A).data()).isEmpty();
    }

    @Test
    void subAgentsNestAtMostThreeLevels() {
        String[] levels = new String[5];
        for (int i = 4; i >= 0; i--) {
            levels[i] = agent("Level " + i);
            if (i < 4) {
                capability(levels[i], Map.of("toolName", "down", "subAgentId", levels[i + 1]));
            }
        }
        String message = "bottom";
        for (int i = 0; i < 4; i++) {
            message = "@down" + jsonText(Map.of("message", message));
        }
        Reply executed = execute(levels[0], message);
        assertThat(executed.string("status")).isEqualTo("completed");
        String execution = executed.string("executionId");
        for (int level = 0; level < 3; level++) {
            JsonNode calls = toolCalls(levels[level], execution);
            assertThat(calls.get(0).get("status").getStringValue()).as("level %d", level).isEqualTo("completed");
            execution = toolCall(levels[level], execution, calls.get(0).get("id").getStringValue())
                    .get("outputResult").get("executionId").getStringValue();
        }
        // level 3 is as deep as it goes: its call to level 4 was refused
        JsonNode deepest = toolCalls(levels[3], execution);
        assertThat(deepest.get(0).get("status").getStringValue()).isEqualTo("failed");
        assertThat(deepest.get(0).get("errorMessage").getStringValue()).contains("at most 3 levels");
        assertThat(api.get("/v1/agents/" + levels[4] + "/executions", ORG_A).data()).isEmpty();
    }

    private Map<String, Object> parse(String text) {
        try {
            return json.readValue(text, io.micronaut.core.type.Argument.mapOf(String.class, Object.class));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
