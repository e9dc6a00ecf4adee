package dev.runloom.agents;

import com.sun.net.httpserver.HttpExchange;
import dev.runloom.common.tenant.Tenant;
import dev.runloom.testsupport.ApiClient;
import dev.runloom.testsupport.FakePeerService;
import dev.runloom.testsupport.ServiceTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.Map;

import static dev.runloom.testsupport.TestTenants.ORG_A;
import static dev.runloom.testsupport.TestTenants.ORG_B;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * An agent's primaryFlowId must name a flow of the caller's organization, checked at create through
 * flows-service (a fake here: org A owns flow_a): another organization's flow is 404, like a missing
 * one; flows-service down is a retryable 503; no primaryFlowId asks nobody.
 */
@ServiceTest("agents")
class AgentPrimaryFlowTest implements TestPropertyProvider {
    private final FakeFlows flows = new FakeFlows();

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
    void primaryFlowMustBelongToTheCallersOrganization() {
        ApiClient.Reply own = api.post("/v1/agents", "{\"name\":\"a\",\"primaryFlowId\":\"flow_a\"}", ORG_A);
        assertThat(own.status()).as(own.raw()).isEqualTo(201);
        assertThat(own.tree().get("primaryFlowId").getStringValue()).isEqualTo("flow_a");

        api.post("/v1/agents", "{\"name\":\"b\",\"primaryFlowId\":\"flow_a\"}", ORG_B).assertProblem(404, "not_found");
        api.post("/v1/agents", "{\"name\":\"c\",\"primaryFlowId\":\"flow_nope\"}", ORG_A).assertProblem(404, "not_found");
        api.post("/v1/agents", "{\"name\":\"d\",\"primaryFlowId\":\"..\"}", ORG_A).assertProblem(404, "not_found");
        assertThat(api.post("/v1/agents", "{\"name\":\"e\"}", ORG_B).status()).isEqualTo(201);
    }

    @Test
    void flowsServiceDownIsARetryable503() {
        flows.down(true);
        try {
            ApiClient.Reply reply = api.post("/v1/agents", "{\"name\":\"x\",\"primaryFlowId\":\"flow_a\"}", ORG_A);
            reply.assertProblem(503, "flow_check_unavailable");
            assertThat(reply.raw()).contains("\"retryable\":true");
        } finally {
            flows.down(false);
        }
    }

    /** flows-service as agents-service sees it: GET /v1/flows/flow_a exists for org A only. */
    static final class FakeFlows extends FakePeerService {
        FakeFlows() {
            route("/v1/flows/", FakeFlows::answer);
            start();
        }

        private static void answer(HttpExchange exchange, Tenant tenant) throws IOException {
            String path = exchange.getRequestURI().getRawPath();
            if ("GET".equals(exchange.getRequestMethod()) && path.equals("/v1/flows/flow_a")
                    && tenant.organizationId().equals(ORG_A.organizationId())) {
                respond(exchange, 200, "{\"id\":\"flow_a\"}");
            } else {
                respond(exchange, 404, "{\"code\":\"not_found\"}");
            }
        }
    }
}
