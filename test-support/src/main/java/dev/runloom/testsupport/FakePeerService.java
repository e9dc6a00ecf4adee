package dev.runloom.testsupport;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.runloom.common.tenant.InternalTokens;
import dev.runloom.common.tenant.Tenant;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The base of a TEST DOUBLE for another Runloom service that the service under test calls over
 * HTTP: a real JDK HTTP server on 127.0.0.1 that, like the real services, answers only requests
 * carrying a valid internal token (401 otherwise) and, while {@link #down(boolean) down}, 503 as an
 * unavailable peer. A subclass registers its routes with {@link #route} and answers with
 * {@link #respond}; each handler gets the tenant of the request's token.
 */
public abstract class FakePeerService implements AutoCloseable {
    private final HttpServer server;
    private final InternalTokens tokens = new InternalTokens(MicronautTestInfra.TEST_INTERNAL_SECRET);
    private final AtomicBoolean down = new AtomicBoolean();
    private final AtomicInteger refusedRequests = new AtomicInteger();

    protected FakePeerService() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Answers requests under {@code pathPrefix}. */
    protected final void route(String pathPrefix, Handler handler) {
        server.createContext(pathPrefix, exchange -> handle(exchange, handler));
    }

    /** Call once every route is registered. */
    protected final void start() {
        server.start();
    }

    public final String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** While down, every request is answered 503. */
    public final void down(boolean isDown) {
        down.set(isDown);
    }

    /** How many requests were answered 503 while down. */
    public final int refusedRequests() {
        return refusedRequests.get();
    }

    private void handle(HttpExchange exchange, Handler handler) throws IOException {
        try (exchange) {
            if (down.get()) {
                refusedRequests.incrementAndGet();
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
            handler.handle(exchange, tenant);
        }
    }

    /** A JSON answer; a problem ({@code application/problem+json}) for any status but 200. */
    protected static void respond(HttpExchange exchange, int status, String json) throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", status == 200 ? "application/json" : "application/problem+json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    @Override
    public void close() {
        server.stop(0);
    }

    /** One route's answer to an authenticated request. */
    @FunctionalInterface
    protected interface Handler {
        void handle(HttpExchange exchange, Tenant tenant) throws IOException;
    }
}
