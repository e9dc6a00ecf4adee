package dev.runloom.agents.references;

import dev.runloom.agents.FlowsThatExist;
import dev.runloom.common.tenant.Tenant;
import dev.runloom.testsupport.ApiClient;
import dev.runloom.testsupport.ApiClient.Reply;
import dev.runloom.testsupport.ServiceTest;
import io.micronaut.http.HttpRequest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static dev.runloom.testsupport.TestTenants.ORG_A;
import static dev.runloom.testsupport.TestTenants.ORG_B;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code GET /internal/agents?flowId=}: what flows-service asks before deleting a flow. */
@ServiceTest("agents")
class FlowReferencesTest implements TestPropertyProvider {
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

    @Test
    void answersTheCallersAgentsThatUseTheFlow() {
        String first = create("First user", "flow_shared", ORG_A);
        String second = create("Second user", "flow_shared", ORG_A);
        create("Other flow", "flow_other", ORG_A);
        create("Other organization", "flow_shared", ORG_B);

        Reply reply = api.get("/internal/agents?flowId=flow_shared", ORG_A).assertStatus(200);
        assertThat(reply.data()).containsExactly(Map.of("id", first, "name", "First user"),
                Map.of("id", second, "name", "Second user"));
        assertThat(api.get("/internal/agents?flowId=flow_shared&limit=1", ORG_A).data()).hasSize(1);
        assertThat(api.get("/internal/agents?flowId=flow_unused", ORG_A).data()).isEmpty();
        assertThat(api.get("/internal/agents?flowId=flow_shared", ORG_B).data()).extracting(a -> a.get("name"))
                .containsExactly("Other organization");

        api.get("/internal/agents", ORG_A).assertProblem(400, "invalid_parameter");
        api.get("/internal/agents?flowId=x&limit=0", ORG_A).assertProblem(400, "invalid_parameter");
        api.get("/internal/agents?flowId=x&limit=abc", ORG_A).assertProblem(400, "invalid_parameter");
        api.send(HttpRequest.GET("/internal/agents?flowId=flow_shared")).assertProblem(401, "unauthorized");
    }

    private String create(String name, String primaryFlowId, Tenant tenant) {
        return api.post("/v1/agents", Map.of("name", name, "primaryFlowId", primaryFlowId), tenant)
                .assertStatus(201).string("id");
    }
}
