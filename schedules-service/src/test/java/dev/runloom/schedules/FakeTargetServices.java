package dev.runloom.schedules;

import com.sun.net.httpserver.HttpExchange;
import dev.runloom.common.tenant.Tenant;
import dev.runloom.testsupport.FakePeerService;

import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TEST DOUBLE of flows-service and agents-service as schedules-service sees them: a real HTTP
 * server on 127.0.0.1 answering {@code GET /v1/flows/:id} and {@code GET /v1/agents/:id} with 200
 * for the ids added for the token's organization and a 404 problem otherwise, as the real services
 * do (the internal token and the 503 while {@code down} come from {@link FakePeerService}).
 */
final class FakeTargetServices extends FakePeerService {
    private final Set<String> flows = ConcurrentHashMap.newKeySet();
    private final Set<String> agents = ConcurrentHashMap.newKeySet();
    /** Every request answered: "org path". */
    final List<String> requests = new CopyOnWriteArrayList<>();

    FakeTargetServices() {
        route("/v1/flows/", (exchange, tenant) -> handle(exchange, tenant, "/v1/flows/", flows, "Flow"));
        route("/v1/agents/", (exchange, tenant) -> handle(exchange, tenant, "/v1/agents/", agents, "Agent"));
        start();
    }

    /** The configuration that points the service under test at this fake, for both peers. */
    Map<String, String> serviceProperties() {
        return Map.of("runloom.services.flows-url", url(), "runloom.services.agents-url", url());
    }

    FakeTargetServices flows(Tenant tenant, String... ids) {
        for (String id : ids) {
            flows.add(tenant.organizationId() + "|" + id);
        }
        return this;
    }

    FakeTargetServices agents(Tenant tenant, String... ids) {
        for (String id : ids) {
            agents.add(tenant.organizationId() + "|" + id);
        }
        return this;
    }

    private void handle(HttpExchange exchange, Tenant tenant, String prefix, Set<String> known, String what)
            throws IOException {
        String rawPath = exchange.getRequestURI().getRawPath();
        String id = URLDecoder.decode(rawPath.substring(prefix.length()), StandardCharsets.UTF_8);
        requests.add(tenant.organizationId() + " " + rawPath);
        if (!"GET".equals(exchange.getRequestMethod()) || id.contains("/")
                || !known.contains(tenant.organizationId() + "|" + id)) {
            respond(exchange, 404, "{\"code\":\"not_found\",\"detail\":\"" + what + " not found\"}");
            return;
        }
        respond(exchange, 200, "{\"id\":\"" + id + "\"}");
    }
}
