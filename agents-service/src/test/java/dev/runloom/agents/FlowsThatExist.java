package dev.runloom.agents;

import dev.runloom.testsupport.FakePeerService;

/**
 * flows-service as an agent's primaryFlowId check sees it when the test is not about that check:
 * every flow asked about exists (AgentPrimaryFlowTest covers the 404 and 503 answers).
 */
public final class FlowsThatExist extends FakePeerService {
    public FlowsThatExist() {
        route("/v1/flows/", (exchange, tenant) -> respond(exchange, 200, "{\"id\":\"flow\"}"));
        start();
    }
}
