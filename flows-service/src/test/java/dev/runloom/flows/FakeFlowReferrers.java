package dev.runloom.flows;

import com.sun.net.httpserver.HttpExchange;
import dev.runloom.common.tenant.Tenant;
import dev.runloom.testsupport.FakePeerService;

import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

/**
 * A TEST DOUBLE of schedules-service and agents-service as flows-service sees them before deleting a
 * flow: a real HTTP server on 127.0.0.1 answering {@code GET /internal/schedules?flowId=} and
 * {@code GET /internal/agents?flowId=} with {@code { data: [{ id, name }] }} of the referrers added
 * for the token's organization, as the real services do (the internal token and the 503 while
 * {@code down} come from {@link FakePeerService}).
 */
final class FakeFlowReferrers extends FakePeerService {
    /** "org|kind|flowId" → referrer ids. */
    private final Map<String, List<String>> referrers = new ConcurrentHashMap<>();
    /** Every request answered: "org path?query". */
    final List<String> requests = new CopyOnWriteArrayList<>();

    FakeFlowReferrers() {
        route("/internal/schedules", (exchange, tenant) -> handle(exchange, tenant, "schedules"));
        route("/internal/agents", (exchange, tenant) -> handle(exchange, tenant, "agents"));
        start();
    }

    /** The configuration that points the service under test at this fake, for both peers. */
    Map<String, String> serviceProperties() {
        return Map.of("runloom.services.schedules-url", url(), "runloom.services.agents-url", url());
    }

    void schedule(Tenant tenant, String flowId, String scheduleId) {
        add(tenant, "schedules", flowId, scheduleId);
    }

    void agent(Tenant tenant, String flowId, String agentId) {
        add(tenant, "agents", flowId, agentId);
    }

    void clear() {
        referrers.clear();
    }

    private void add(Tenant tenant, String kind, String flowId, String id) {
        referrers.computeIfAbsent(tenant.organizationId() + "|" + kind + "|" + flowId, k -> new CopyOnWriteArrayList<>())
                .add(id);
    }

    private void handle(HttpExchange exchange, Tenant tenant, String kind) throws IOException {
        requests.add(tenant.organizationId() + " " + exchange.getRequestURI());
        Map<String, String> query = new HashMap<>();
        String raw = exchange.getRequestURI().getRawQuery();
        for (String pair : raw == null ? new String[0] : raw.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                query.put(pair.substring(0, eq), URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        List<String> ids = referrers.getOrDefault(tenant.organizationId() + "|" + kind + "|" + query.get("flowId"),
                List.of());
        String data = ids.stream().map(id -> "{\"id\":\"" + id + "\",\"name\":\"Name of " + id + "\"}")
                .collect(Collectors.joining(","));
        respond(exchange, 200, "{\"data\":[" + data + "]}");
    }
}
