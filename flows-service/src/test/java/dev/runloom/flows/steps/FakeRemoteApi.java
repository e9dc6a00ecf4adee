package dev.runloom.flows.steps;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TEST DOUBLE of a third-party HTTP API, on 127.0.0.1 (allow-listed for the outbound guard in the
 * test's configuration): JSON items, an echo of what was sent, a 500, an endpoint that fails twice
 * before it answers, a redirect to a private address, and a huge body.
 */
final class FakeRemoteApi implements AutoCloseable {
    private final HttpServer server;
    final List<String> requests = new CopyOnWriteArrayList<>();
    final AtomicInteger flakyCalls = new AtomicInteger();

    FakeRemoteApi() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/items", exchange -> reply(exchange, 200, "application/json",
                "{\"data\":{\"items\":[{\"name\":\"widget\",\"price\":4},{\"name\":\"gadget\",\"price\":9}]},\"total\":2}"));
        server.createContext("/echo", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            String auth = exchange.getRequestHeaders().getFirst("Authorization");
            String type = exchange.getRequestHeaders().getFirst("Content-Type");
            reply(exchange, 200, "application/json", "{\"method\":\"" + exchange.getRequestMethod() + "\",\"auth\":\""
                    + auth + "\",\"contentType\":\"" + type + "\",\"body\":" + body + "}");
        });
        server.createContext("/text", exchange -> reply(exchange, 200, "text/plain", "plain words"));
        server.createContext("/broken", exchange -> reply(exchange, 500, "application/json", "{\"error\":\"upstream exploded\"}"));
        server.createContext("/flaky", exchange -> {
            if (flakyCalls.incrementAndGet() % 3 != 0) {
                reply(exchange, 503, "text/plain", "try again");
            } else {
                reply(exchange, 200, "application/json", "{\"ok\":true}");
            }
        });
        server.createContext("/to-private", exchange -> {
            exchange.getResponseHeaders().add("Location", "http://10.0.0.1/admin");
            reply(exchange, 302, "text/plain", "");
        });
        server.createContext("/huge", exchange -> reply(exchange, 200, "text/plain", "x".repeat(64 * 1024)));
        server.setExecutor(java.util.concurrent.Executors.newFixedThreadPool(4));
        server.start();
    }

    String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    private void reply(HttpExchange exchange, int status, String type, String body) throws IOException {
        requests.add(exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath());
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            exchange.getResponseBody().write(bytes);
        }
        exchange.close();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
