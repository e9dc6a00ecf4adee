package dev.runloom.flows.steps;

import com.sun.net.httpserver.HttpExchange;
import dev.runloom.common.tenant.Tenant;
import dev.runloom.testsupport.FakePeerService;
import io.micronaut.core.type.Argument;
import io.micronaut.json.JsonMapper;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TEST DOUBLE of agents-service's internal run ({@code POST /internal/agents/{id}/runs}) on
 * 127.0.0.1, idempotent by key like the real one (agents-service's InternalAgentRunsTest pins that):
 * {@code agent_ok} answers "Agent says: <message>", {@code agent_broken} a failed run, others 404.
 */
final class FakeAgents extends FakePeerService {
    private final JsonMapper json = JsonMapper.createDefault();
    private final Map<String, String> answersByKey = new ConcurrentHashMap<>();
    final AtomicInteger runs = new AtomicInteger();
    private final AtomicInteger failAfterRunning = new AtomicInteger();

    FakeAgents() {
        route("/internal/agents", this::handle);
        start();
    }

    Map<String, String> serviceProperties() {
        return Map.of("runloom.services.agents-url", url());
    }

    void failNextRunAfterRunning() {
        failAfterRunning.set(1);
    }

    private synchronized void handle(HttpExchange exchange, Tenant tenant) throws IOException {
        String agentId = exchange.getRequestURI().getPath().split("/")[3];
        Map<String, Object> body = json.readValue(exchange.getRequestBody().readAllBytes(),
                Argument.mapOf(String.class, Object.class));
        if (!agentId.equals("agent_ok") && !agentId.equals("agent_broken")) {
            respond(exchange, 404, "{\"code\":\"not_found\",\"detail\":\"Agent " + agentId + " was not found\"}");
            return;
        }
        String key = tenant.organizationId() + "|" + body.get("idempotencyKey");
        String earlier = answersByKey.get(key);
        if (earlier != null) {
            respond(exchange, 200, earlier.replace("\"replayed\":false", "\"replayed\":true"));
            return;
        }
        int n = runs.incrementAndGet();
        boolean ok = agentId.equals("agent_ok");
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("executionId", "exec_agent_" + n);
        answer.put("agentId", agentId);
        answer.put("status", ok ? "completed" : "failed");
        answer.put("finalOutput", ok ? "Agent says: " + body.get("message") : null);
        answer.put("totalTokens", 12);
        answer.put("totalCost", "0.0021");
        answer.put("error", ok ? null : "the model is unavailable");
        answer.put("replayed", false);
        String text = new String(json.writeValueAsBytes(answer), StandardCharsets.UTF_8);
        answersByKey.put(key, text);
        if (failAfterRunning.getAndSet(0) == 1) {
            respond(exchange, 503, "{\"code\":\"unavailable\",\"detail\":\"reply lost\"}");
            return;
        }
        respond(exchange, 200, text);
    }
}
