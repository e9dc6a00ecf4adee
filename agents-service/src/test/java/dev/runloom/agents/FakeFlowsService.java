package dev.runloom.agents;

import com.sun.net.httpserver.HttpExchange;
import dev.runloom.common.tenant.Tenant;
import dev.runloom.testsupport.FakePeerService;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TEST DOUBLE of flows-service on 127.0.0.1 (flows-service itself is a separate application; its
 * {@code /internal/flows/{id}/run} has its own test there): {@code GET /v1/flows/{id}} answers 200 for
 * the flows added for the caller's organization, 404 otherwise; {@code POST /internal/flows/{id}/run}
 * records the request body and answers the run set for the flow (404 for other flows or organizations).
 */
final class FakeFlowsService extends FakePeerService {
    private final Set<String> flows = ConcurrentHashMap.newKeySet();
    private final Map<String, String> runs = new ConcurrentHashMap<>();
    /** The bodies of the run requests, as "org flowId body". */
    final List<String> runRequests = new CopyOnWriteArrayList<>();

    FakeFlowsService() {
        route("/v1/flows/", this::get);
        route("/internal/flows/", this::run);
        start();
    }

    Map<String, String> serviceProperties() {
        return Map.of("runloom.services.flows-url", url());
    }

    void addFlow(String org, String flowId) {
        flows.add(org + "|" + flowId);
    }

    /** What running the flow answers: a FlowRun JSON object. */
    void onRun(String org, String flowId, String flowRunJson) {
        addFlow(org, flowId);
        runs.put(org + "|" + flowId, flowRunJson);
    }

    private void get(HttpExchange exchange, Tenant tenant) throws IOException {
        String flowId = exchange.getRequestURI().getRawPath().substring("/v1/flows/".length());
        if (flows.contains(tenant.organizationId() + "|" + flowId)) {
            respond(exchange, 200, "{\"id\":\"" + flowId + "\"}");
        } else {
            respond(exchange, 404, "{\"code\":\"not_found\"}");
        }
    }

    private void run(HttpExchange exchange, Tenant tenant) throws IOException {
        String path = exchange.getRequestURI().getRawPath();
        if (!"POST".equals(exchange.getRequestMethod()) || !path.endsWith("/run")) {
            respond(exchange, 404, "{\"code\":\"not_found\"}");
            return;
        }
        String flowId = path.substring("/internal/flows/".length(), path.length() - "/run".length());
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        runRequests.add(tenant.organizationId() + " " + flowId + " " + body);
        String answer = runs.get(tenant.organizationId() + "|" + flowId);
        if (answer == null) {
            respond(exchange, 404, "{\"code\":\"not_found\",\"detail\":\"Flow not found\"}");
        } else {
            respond(exchange, 200, answer);
        }
    }
}
