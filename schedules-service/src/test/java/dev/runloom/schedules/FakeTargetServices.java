package dev.runloom.schedules;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.runloom.common.tenant.InternalTokens;
import dev.runloom.common.tenant.Tenant;
import dev.runloom.testsupport.MicronautTestInfra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A TEST DOUBLE of flows-service and agents-service as schedules-service sees them: a real HTTP
 * server on 127.0.0.1 answering {@code GET /v1/flows/:id} and {@code GET /v1/agents/:id} with 200
 * for the ids added for the token's organization and a 404 problem otherwise, as the real services
 * do. It verifies the internal token like they would (401 without a valid one).
 * {@link #down(boolean)} makes it answer 503, as a peer that is unavailable.
 */
final class FakeTargetServices implements AutoCloseable {
    private final HttpServer server;
    private final InternalTokens tokens = new InternalTokens(MicronautTestInfra.TEST_INTERNAL_SECRET);
    private final Set<String> flows = ConcurrentHashMap.newKeySet();
    private final Set<String> agents = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean down = new AtomicBoolean();
    /** Every request answered: "org path". */
    final List<String> requests = new CopyOnWriteArrayList<>();

    FakeTargetServices() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/v1/flows/", exchange -> handle(exchange, "/v1/flows/", flows, "Flow"));
        server.createContext("/v1/agents/", exchange -> handle(exchange, "/v1/agents/", agents, "Agent"));
        server.start();
    }

    /** The configuration that points the service under test at this fake, for both peers. */
    Map<String, String> serviceProperties() {
        String url = "http://127.0.0.1:" + server.getAddress().getPort();
        return Map.of("runloom.services.flows-url", url, "runloom.services.agents-url", url);
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

    void down(boolean isDown) {
        down.set(isDown);
    }

    private void handle(HttpExchange exchange, String prefix, Set<String> known, String what) throws IOException {
        try (exchange) {
            if (down.get()) {
                respond(exchange, 503, "{\"code\":\"unavailable\"}");
                return;
            }
            String token = exchange.getRequestHeaders().getFirst(InternalTokens.HEADER);
            Tenant tenant;
            try {
                tenant = tokens.verify(token == null ? "" : token);
            } catch (RuntimeException e) {
                respond(exchange, 401, "{\"code\":\"unauthorized\"}");
                return;
            }
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

    private static void respond(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", status == 200 ? "application/json" : "application/problem+json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
