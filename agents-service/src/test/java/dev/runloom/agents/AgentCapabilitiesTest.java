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

import java.util.Map;

import static dev.runloom.agents.AgentFixtures.keys;
import static dev.runloom.testsupport.TestTenants.ORG_A;
import static dev.runloom.testsupport.TestTenants.ORG_B;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A14/A15 capabilities: created, shown by A5 (in display order), counted by A1, exported by A8,
 * removed; tenant isolation (another organization's agent, flow or sub-agent is 404); bad input
 * (BAD-INPUTS.md classes that apply) answered 4xx problems. flows-service is a fake that knows
 * flow_a in org A only.
 */
@ServiceTest("agents")
class AgentCapabilitiesTest implements TestPropertyProvider {
    private final FakeFlowsService flows = new FakeFlowsService();

    @Inject ApiClient<Tenant> api;

    @Override
    public Map<String, String> getProperties() {
        flows.addFlow(ORG_A.organizationId(), "flow_a");
        return flows.serviceProperties();
    }

    @AfterAll
    void stop() {
        flows.close();
    }

    private String agent(Tenant tenant, String name) {
        Reply created = api.post("/v1/agents", Map.of("name", name), tenant);
        assertThat(created.status()).as(created.raw()).isEqualTo(201);
        return created.string("id");
    }

    private Reply add(String agentId, String body, Tenant tenant) {
        return api.send(HttpRequest.POST("/v1/agents/" + agentId + "/capabilities", body)
                .contentType(MediaType.APPLICATION_JSON_TYPE), tenant);
    }

    private Reply delete(String uri, Tenant tenant) {
        return api.send(HttpRequest.DELETE(uri), tenant);
    }

    @Test
    void capabilitiesAreAddedShownCountedExportedAndRemoved() {
        String agentId = agent(ORG_A, "Orchestrator");
        String helperId = agent(ORG_A, "Helper");

        Reply flow = add(agentId, """
                {"toolName": "summarize", "toolDescription": "Summarize a topic", "flowId": "flow_a",
                 "parametersSchema": {"type": "object", "properties": {"topic": {"type": "string"}}}, "displayOrder": 5}""",
                ORG_A);
        assertThat(flow.status()).as(flow.raw()).isEqualTo(201);
        assertThat(keys(flow.tree())).containsExactly("id", "agentId", "toolName", "toolDescription", "flowId",
                "subAgentId", "toolId", "parametersSchema", "enabled", "displayOrder", "createdAt");
        assertThat(flow.string("id")).startsWith("cap_");
        assertThat(flow.string("agentId")).isEqualTo(agentId);
        assertThat(flow.string("flowId")).isEqualTo("flow_a");
        assertThat(flow.tree().get("subAgentId").isNull()).isTrue();
        assertThat(flow.tree().get("enabled").getBooleanValue()).isTrue();
        assertThat(flow.tree().get("parametersSchema").get("properties").get("topic").get("type").getStringValue())
                .isEqualTo("string");

        Reply sub = add(agentId, "{\"toolName\": \"ask_helper\", \"subAgentId\": \"" + helperId + "\", \"displayOrder\": 1}", ORG_A);
        assertThat(sub.status()).as(sub.raw()).isEqualTo(201);
        Reply tool = add(agentId, "{\"toolName\": \"lookup\", \"toolId\": \"retrieve-record\", \"enabled\": false}", ORG_A);
        assertThat(tool.status()).as(tool.raw()).isEqualTo(201);
        assertThat(tool.tree().get("enabled").getBooleanValue()).isFalse();
        assertThat(tool.tree().get("displayOrder").getIntValue()).isEqualTo(6); // after the highest so far
        assertThat(tool.tree().get("parametersSchema").isNull()).isTrue();

        // the same name again: 409, whatever it binds
        add(agentId, "{\"toolName\": \"summarize\", \"toolId\": \"fetch-url\"}", ORG_A).assertProblem(409, "capability_name_taken");

        // A5 lists them in display order
        JsonNode capabilities = api.get("/v1/agents/" + agentId, ORG_A).tree().get("capabilities");
        assertThat(capabilities.size()).isEqualTo(3);
        assertThat(capabilities.get(0).get("toolName").getStringValue()).isEqualTo("ask_helper");
        assertThat(capabilities.get(1).get("toolName").getStringValue()).isEqualTo("summarize");
        assertThat(capabilities.get(2).get("toolName").getStringValue()).isEqualTo("lookup");
        // A1 counts them; A8 exports them
        Reply listed = api.get("/v1/agents?search=Orchestrator", ORG_A);
        assertThat(listed.data().getFirst().get("capabilityCount")).isEqualTo(3);
        assertThat(api.get("/v1/agents?search=Helper", ORG_A).data().getFirst().get("capabilityCount")).isEqualTo(0);
        assertThat(api.get("/v1/agents/" + agentId + "/export-runtime", ORG_A).tree().get("capabilities").size())
                .isEqualTo(3);

        // A15
        String uri = "/v1/agents/" + agentId + "/capabilities/" + flow.string("id");
        delete(uri, ORG_B).assertProblem(404, "not_found");
        Reply removed = delete(uri, ORG_A);
        assertThat(removed.status()).as(removed.raw()).isEqualTo(200);
        assertThat(removed.body()).isEqualTo(Map.of("success", true));
        delete(uri, ORG_A).assertProblem(404, "not_found");
        delete("/v1/agents/" + agentId + "/capabilities/cap_missing", ORG_A).assertProblem(404, "not_found");
        delete("/v1/agents/agent_missing/capabilities/" + sub.string("id"), ORG_A).assertProblem(404, "not_found");
        delete("/v1/agents/" + helperId + "/capabilities/" + sub.string("id"), ORG_A).assertProblem(404, "not_found");
        assertThat(api.get("/v1/agents/" + agentId, ORG_A).tree().get("capabilities").size()).isEqualTo(2);
        // the name is free again
        assertThat(add(agentId, "{\"toolName\": \"summarize\", \"flowId\": \"flow_a\"}", ORG_A).status()).isEqualTo(201);

        // deleting the agent takes its capabilities with it
        assertThat(delete("/v1/agents/" + agentId, ORG_A).status()).isEqualTo(200);
        add(agentId, "{\"toolName\": \"again\", \"flowId\": \"flow_a\"}", ORG_A).assertProblem(404, "not_found");
    }

    @Test
    void anotherOrganizationsObjectsAreNotFound() {
        String agentId = agent(ORG_A, "Mine");
        String otherOrgsAgent = agent(ORG_B, "Theirs");
        // another organization's agent
        add(agentId, "{\"toolName\": \"x\", \"toolId\": \"fetch-url\"}", ORG_B).assertProblem(404, "not_found");
        // ... as the sub-agent
        add(agentId, "{\"toolName\": \"x\", \"subAgentId\": \"" + otherOrgsAgent + "\"}", ORG_A).assertProblem(404, "not_found");
        // another organization's flow (flow_a is org A's) and an unknown one
        add(otherOrgsAgent, "{\"toolName\": \"x\", \"flowId\": \"flow_a\"}", ORG_B).assertProblem(404, "not_found");
        add(agentId, "{\"toolName\": \"x\", \"flowId\": \"flow_nope\"}", ORG_A).assertProblem(404, "not_found");
        add(agentId, "{\"toolName\": \"x\", \"flowId\": \"../v1/flows\"}", ORG_A).assertProblem(404);
        add("agent_missing", "{\"toolName\": \"x\", \"toolId\": \"fetch-url\"}", ORG_A).assertProblem(404, "not_found");
        add("%27%20OR%201%3D1%20--", "{\"toolName\": \"x\", \"toolId\": \"fetch-url\"}", ORG_A).assertProblem(404);
        assertThat(api.get("/v1/agents/" + agentId, ORG_A).tree().get("capabilities").size()).isZero();
    }

    @Test
    void badInputIsA4xxProblemAndWritesNothing() {
        String agentId = agent(ORG_A, "Picky");
        String longName = "n".repeat(101);
        for (String body : new String[]{
                "{\"toolId\": \"fetch-url\"}",                                            // no toolName
                "{\"toolName\": null, \"toolId\": \"fetch-url\"}",
                "{\"toolName\": \"\", \"toolId\": \"fetch-url\"}",
                "{\"toolName\": \"   \", \"toolId\": \"fetch-url\"}",
                "{\"toolName\": \"" + longName + "\", \"toolId\": \"fetch-url\"}",       // over 100
                "{\"toolName\": \"has space\", \"toolId\": \"fetch-url\"}",
                "{\"toolName\": \"nul\\u0000\", \"toolId\": \"fetch-url\"}",
                "{\"toolName\": 5, \"toolId\": \"fetch-url\"}",                           // number for a string
                "{\"toolName\": \"x\"}",                                                  // no binding
                "{\"toolName\": \"x\", \"toolId\": \"fetch-url\", \"flowId\": \"flow_a\"}", // two bindings
                "{\"toolName\": \"x\", \"toolId\": \"\"}",
                "{\"toolName\": \"x\", \"toolId\": \"" + "t".repeat(10_000) + "\"}",
                "{\"toolName\": \"x\", \"toolId\": \"no-such-tool\"}",
                "{\"toolName\": \"x\", \"subAgentId\": \"" + agentId + "\"}",             // itself
                "{\"toolName\": \"x\", \"toolId\": \"fetch-url\", \"enabled\": \"yes\"}",
                "{\"toolName\": \"x\", \"toolId\": \"fetch-url\", \"enabled\": 1}",
                "{\"toolName\": \"x\", \"toolId\": \"fetch-url\", \"displayOrder\": \"3\"}",
                "{\"toolName\": \"x\", \"toolId\": \"fetch-url\", \"displayOrder\": -1}",
                "{\"toolName\": \"x\", \"toolId\": \"fetch-url\", \"displayOrder\": 1.5}",
                "{\"toolName\": \"x\", \"toolId\": \"fetch-url\", \"displayOrder\": 1e400}",
                "{\"toolName\": \"x\", \"toolId\": \"fetch-url\", \"parametersSchema\": \"object\"}",
                "{\"toolName\": \"x\", \"toolId\": \"fetch-url\", \"parametersSchema\": [1]}",
                "{\"toolName\": \"x\", \"toolId\": \"fetch-url\", \"parametersSchema\": {\"type\": \"string\"}}",
                "{\"toolName\": \"x\", \"toolDescription\": \"" + "d".repeat(10_001) + "\", \"toolId\": \"fetch-url\"}",
                "{\"toolName\": \"x\", \"toolId\": \"fetch-url\"",                        // truncated
                "{\"toolName\": \"x\", \"toolId\": \"fetch-url\"} trailing",
                "{\"toolName\": \"x\", \"toolName\": \"y\", \"toolId\": \"fetch-url\"}", // duplicate key
                "[{\"toolName\": \"x\", \"toolId\": \"fetch-url\"}]",
                "null",
                ""}) {
            Reply reply = add(agentId, body, ORG_A);
            assertThat(reply.status()).as("%s -> %s", body.length() > 200 ? body.substring(0, 200) : body, reply.raw())
                    .isBetween(400, 499);
            assertThat(reply.contentType()).as(body).startsWith("application/problem+json");
        }
        assertThat(api.get("/v1/agents/" + agentId, ORG_A).tree().get("capabilities").size()).isZero();
    }
}
