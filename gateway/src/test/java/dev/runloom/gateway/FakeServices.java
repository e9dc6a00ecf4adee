package dev.runloom.gateway;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.runloom.common.problem.ProblemException;
import dev.runloom.common.tenant.InternalTokens;
import dev.runloom.common.tenant.Tenant;
import dev.runloom.testsupport.MicronautTestInfra;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Test doubles standing in for records-, flows-, schedules- and agents-service: one real HTTP server
 * per service on 127.0.0.1 (JDK's built-in server, so nothing of it loads into the gateway's context).
 * Each echoes what reached it as JSON — service, method, raw path and query, body, every header, and the
 * tenant it verified from the internal token with the platform's {@link InternalTokens} — and answers a
 * path ending in {@code /conflict} with the fixed problem+json 409 {@link #CONFLICT_BODY}.
 */
final class FakeServices implements AutoCloseable {
    static final String CONFLICT_BODY = "{\"type\":\"https://runloom.dev/problems/record_exists\",\"title\":\"Conflict\","
            + "\"status\":409,\"detail\":\"Record 'lead/ACME' already exists\",\"code\":\"record_exists\","
            + "\"retryable\":false,\"error\":\"Record 'lead/ACME' already exists\"}  \n";
    static final String CONFLICT_CONTENT_TYPE = "application/problem+json;charset=utf-8";

    private final Map<String, HttpServer> servers = new LinkedHashMap<>();
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final List<String> aborted = new CopyOnWriteArrayList<>();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger handled = new AtomicInteger();
    private final AtomicLong largestBody = new AtomicLong();
    // the secret @ServiceTest gives the gateway under test, as it gives every service
    private final InternalTokens tokens = new InternalTokens(MicronautTestInfra.TEST_INTERNAL_SECRET);

    FakeServices(String... services) {
        for (String service : services) {
            try {
                HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
                server.createContext("/", exchange -> handle(service, exchange));
                // one thread per exchange: a request the gateway aborts mid-body must not block the next
                server.setExecutor(executor);
                server.start();
                servers.put(service, server);
            } catch (IOException e) {
                throw new IllegalStateException("cannot start fake " + service, e);
            }
        }
    }

    String url(String service) {
        return "http://127.0.0.1:" + servers.get(service).getAddress().getPort();
    }

    private void handle(String service, HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getRawPath();
        inFlight.incrementAndGet();
        try (exchange; InputStream in = exchange.getRequestBody()) {
            byte[] body;
            try {
                body = in.readAllBytes();
            } catch (IOException e) {
                aborted.add(service + " " + exchange.getRequestMethod() + " " + path + ": " + e);
                throw e;
            }
            largestBody.accumulateAndGet(body.length, Math::max);
            if (path.endsWith("/conflict")) {
                exchange.getResponseHeaders().set("Content-Type", CONFLICT_CONTENT_TYPE);
                exchange.getResponseHeaders().set("X-Served-By", service);
                byte[] problem = CONFLICT_BODY.getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(409, problem.length);
                exchange.getResponseBody().write(problem);
                return;
            }
            int n = handled.incrementAndGet();
            if (path.endsWith("/slow")) {
                try {
                    Thread.sleep(1500);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            if (path.endsWith("/unavailable")) {
                byte[] problem = "{\"status\":503,\"code\":\"busy\",\"retryable\":true}".getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Content-Type", CONFLICT_CONTENT_TYPE);
                exchange.sendResponseHeaders(503, problem.length);
                exchange.getResponseBody().write(problem);
                return;
            }
            Map<String, Object> echo = new LinkedHashMap<>();
            echo.put("n", Integer.toString(n));
            echo.put("service", service);
            echo.put("method", exchange.getRequestMethod());
            echo.put("path", path);
            echo.put("query", exchange.getRequestURI().getRawQuery());
            echo.put("body", new String(body, StandardCharsets.UTF_8));
            Map<String, Object> headers = new TreeMap<>();
            exchange.getRequestHeaders().forEach((name, values) -> headers.put(name.toLowerCase(), String.join(",", values)));
            echo.put("headers", headers);
            String token = exchange.getRequestHeaders().getFirst(InternalTokens.HEADER);
            try {
                Tenant tenant = token == null ? null : tokens.verify(token);
                echo.put("tenant", tenant == null ? null : Map.of("organizationId", tenant.organizationId(),
                        "userId", tenant.userId(), "scopes", new ArrayList<>(new TreeSet<>(tenant.scopes()))));
            } catch (ProblemException e) {
                echo.put("tenant", null);
                echo.put("tokenError", e.problem().detail());
            }
            byte[] json = toJson(echo).getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, json.length);
            exchange.getResponseBody().write(json);
        } finally {
            inFlight.decrementAndGet();
        }
    }

    /** How many requests the fake services have handled (that got past the /conflict path). */
    int handled() {
        return handled.get();
    }

    /** Requests whose body never arrived whole (the gateway gave up on them mid-stream). */
    List<String> aborted() {
        return aborted;
    }

    /** Requests a fake service is still handling (e.g. waiting for the rest of a body). */
    int inFlight() {
        return inFlight.get();
    }

    /** Forgets the largest body so far (a test that sends large bodies on purpose cleans up after itself). */
    void resetLargestBody() {
        largestBody.set(0);
    }

    /** The largest request body any fake service received whole. */
    long largestBody() {
        return largestBody.get();
    }

    @Override
    public void close() {
        servers.values().forEach(server -> server.stop(0));
        executor.shutdownNow();
    }

    /** Just enough JSON for the echo: maps, lists, strings, null. */
    private static String toJson(Object value) {
        if (value == null) {
            return "null";
        }
        if (value instanceof Map<?, ?> map) {
            List<String> fields = new ArrayList<>();
            map.forEach((k, v) -> fields.add(quote(k.toString()) + ":" + toJson(v)));
            return "{" + String.join(",", fields) + "}";
        }
        if (value instanceof List<?> list) {
            return "[" + String.join(",", list.stream().map(FakeServices::toJson).toList()) + "]";
        }
        return quote(value.toString());
    }

    private static String quote(String s) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }
}
