package dev.runloom.agents.a2a;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A TEST DOUBLE of a remote A2A agent: a real JDK HTTP server on 127.0.0.1, reached by the tests as
 * {@code http://agent.test:<port>} (the test resolver maps that name to 127.0.0.1). It serves its agent
 * card at {@code /.well-known/agent-card.json} (or, in legacy mode, only at {@code /.well-known/agent.json}),
 * answers JSON-RPC at {@code /a2a} with a configurable reply, and has misbehaving paths: {@code /status/500},
 * {@code /not-json}, {@code /array}, {@code /nameless}, {@code /huge}, {@code /slow}, {@code /redirect?to=}.
 * Every request is recorded as {@code METHOD path} with its body and headers.
 */
final class FakeA2aAgent implements AutoCloseable {
    /** A recorded request. */
    record Seen(String method, String path, String body, String authorization) {
    }

    private final HttpServer server;
    final List<Seen> requests = new CopyOnWriteArrayList<>();
    private final AtomicReference<String> card = new AtomicReference<>();
    private final AtomicReference<String> rpcReply = new AtomicReference<>();
    private final AtomicReference<Integer> rpcStatus = new AtomicReference<>(200);
    private volatile boolean legacyOnly;
    private volatile boolean cardDown;
    private final Map<String, String> extra = new ConcurrentHashMap<>();

    FakeA2aAgent() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/", this::handle);
        server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        server.start();
        card(List.of("translate", "summarize"));
        reply(completedTask("Bonjour"));
    }

    int port() {
        return server.getAddress().getPort();
    }

    /** The base URL under the allow-listed test name. */
    String url() {
        return "http://agent.test:" + port();
    }

    /** The same server by its loopback address, which the guard must refuse (not allow-listed). */
    String loopbackUrl() {
        return "http://127.0.0.1:" + port();
    }

    /** The card served from now on: skills with these ids, endpoint {@code <url>/a2a}. */
    void card(List<String> skillIds) {
        StringBuilder skills = new StringBuilder();
        for (String id : skillIds) {
            skills.append(skills.isEmpty() ? "" : ",").append("""
                    {"id":"%s","name":"%s skill","description":"Does %s","tags":["text"]}""".formatted(id, id, id));
        }
        card.set("""
                {"name":"Polyglot","description":"Translates and summarises","url":"%s/a2a","version":"1.2.0",
                 "protocolVersion":"0.3.0","capabilities":{"streaming":false},"defaultInputModes":["text/plain"],
                 "defaultOutputModes":["text/plain"],"provider":{"organization":"Example","url":"https://example.com"},
                 "skills":[%s]}""".formatted(url(), skills));
    }

    void legacyOnly(boolean legacy) {
        legacyOnly = legacy;
    }

    /** While down, the card paths answer 500. */
    void cardDown(boolean down) {
        cardDown = down;
    }

    /** The JSON-RPC {@code result} (or whole envelope when it has "jsonrpc") answered at {@code /a2a}. */
    void reply(String json) {
        rpcReply.set(json);
        rpcStatus.set(200);
    }

    void replyStatus(int status, String body) {
        rpcReply.set(body);
        rpcStatus.set(status);
    }

    static String completedTask(String text) {
        return """
                {"kind":"task","id":"task-1","contextId":"ctx-1","status":{"state":"completed"},
                 "artifacts":[{"artifactId":"a1","parts":[{"kind":"text","text":"%s"}]}]}""".formatted(text);
    }

    List<Seen> rpcCalls() {
        return requests.stream().filter(r -> r.path().equals("/a2a")).toList();
    }

    long hits(String path) {
        return requests.stream().filter(r -> r.path().equals(path)).count();
    }

    void reset() {
        requests.clear();
        legacyOnly = false;
        cardDown = false;
        card(List.of("translate", "summarize"));
        reply(completedTask("Bonjour"));
        extra.clear();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            requests.add(new Seen(exchange.getRequestMethod(), path, body,
                    exchange.getRequestHeaders().getFirst("Authorization")));
            switch (path) {
                case "/.well-known/agent-card.json" -> {
                    if (cardDown) {
                        send(exchange, 500, "{\"error\":\"down\"}");
                    } else if (legacyOnly) {
                        send(exchange, 404, "{\"error\":\"not found\"}");
                    } else {
                        send(exchange, 200, card.get());
                    }
                }
                case "/.well-known/agent.json", "/cards/polyglot.json" -> send(exchange, cardDown ? 500 : 200,
                        cardDown ? "{}" : card.get());
                case "/a2a" -> {
                    String reply = rpcReply.get();
                    String id = body.contains("\"id\":\"") ? body.replaceAll("(?s).*?\"id\":\"([^\"]*)\".*", "$1") : "1";
                    String envelope = rpcStatus.get() != 200 || reply.contains("\"jsonrpc\"") ? reply
                            : "{\"jsonrpc\":\"2.0\",\"id\":\"" + id + "\",\"result\":" + reply + "}";
                    send(exchange, rpcStatus.get(), envelope);
                }
                case "/status/500" -> send(exchange, 500, "{\"error\":\"boom\"}");
                case "/not-json" -> send(exchange, 200, "<html>hello</html>");
                case "/array" -> send(exchange, 200, "[1,2,3]");
                case "/nameless" -> send(exchange, 200, "{\"description\":\"no name\"}");
                case "/huge" -> send(exchange, 200, "{\"name\":\"x\",\"pad\":\"" + "a".repeat(200_000) + "\"}");
                case "/slow" -> {
                    try {
                        Thread.sleep(3_000);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    send(exchange, 200, card.get());
                }
                case "/redirect" -> {
                    String query = exchange.getRequestURI().getQuery();
                    exchange.getResponseHeaders().add("Location", query.substring("to=".length()));
                    exchange.sendResponseHeaders(302, -1);
                }
                default -> send(exchange, 404, "{\"error\":\"not found\"}");
            }
        }
    }

    private static void send(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
