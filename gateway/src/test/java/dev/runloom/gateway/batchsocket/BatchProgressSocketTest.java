package dev.runloom.gateway.batchsocket;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.runloom.common.problem.ProblemException;
import dev.runloom.common.tenant.InternalTokens;
import dev.runloom.common.tenant.Tenant;
import dev.runloom.gateway.auth.ApiKeys;
import dev.runloom.testsupport.MicronautTestInfra;
import dev.runloom.testsupport.ServiceTest;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * {@code GET /v1/batch/:id/ws} through the gateway with the JDK's own WebSocket client, against a fake
 * flows-service (a real HTTP server on loopback) that verifies the internal token and serves a batch's
 * status and its Server-Sent Events. org_a owns batch_1 (three frames, the last {@code complete}) and
 * batch_long (a progress frame every 100 ms, never complete); org_b owns nothing.
 */
@ServiceTest("gateway")
class BatchProgressSocketTest implements TestPropertyProvider {
    static final String KEY_A = ApiKeys.generate();
    static final String KEY_B = ApiKeys.generate();
    static final String KEY_RECORDS_ONLY = ApiKeys.generate();

    private final InternalTokens tokens = new InternalTokens(MicronautTestInfra.TEST_INTERNAL_SECRET);
    private final HttpServer flows = fakeFlows();
    private final CountDownLatch longStreamClosed = new CountDownLatch(1);
    private final List<String> tenantsSeen = new CopyOnWriteArrayList<>();

    @Inject EmbeddedServer server;

    @Override
    public Map<String, String> getProperties() {
        String url = "http://127.0.0.1:" + flows.getAddress().getPort();
        Map<String, String> p = new HashMap<>();
        p.put("micronaut.server.port", "-1");
        p.put("runloom.services.records-url", url);
        p.put("runloom.services.flows-url", url);
        p.put("runloom.services.schedules-url", url);
        p.put("runloom.services.agents-url", url);
        key(p, 0, KEY_A, "org_a", "*");
        key(p, 1, KEY_B, "org_b", "*");
        key(p, 2, KEY_RECORDS_ONLY, "org_a", "RECORDS:READ");
        return p;
    }

    private static void key(Map<String, String> p, int i, String key, String org, String scopes) {
        p.put("runloom.gateway.api-keys[" + i + "].key", key);
        p.put("runloom.gateway.api-keys[" + i + "].organization-id", org);
        p.put("runloom.gateway.api-keys[" + i + "].user-id", "user_" + org);
        p.put("runloom.gateway.api-keys[" + i + "].name", "key " + i);
        p.put("runloom.gateway.api-keys[" + i + "].scopes", scopes);
    }

    @AfterAll
    void stop() {
        flows.stop(0);
    }

    @Test
    void framesArriveAsMessagesAndTheSocketClosesWhenTheBatchEnds() throws Exception {
        Received received = new Received();
        WebSocket socket = connect("/v1/batch/batch_1/ws", received, "Authorization", "Bearer " + KEY_A).join();

        assertThat(received.closed.get(10, TimeUnit.SECONDS)).isEqualTo(1000);
        assertThat(received.messages).containsExactly(
                "{\"event\":\"progress\",\"id\":\"0\",\"data\":{\"batchExecutionId\":\"batch_1\",\"status\":\"running\",\"processedRecords\":0}}",
                "{\"event\":\"progress\",\"id\":\"1\",\"data\":{\"batchExecutionId\":\"batch_1\",\"status\":\"running\",\"processedRecords\":1}}",
                "{\"event\":\"complete\",\"id\":\"2\",\"data\":{\"batchExecutionId\":\"batch_1\",\"status\":\"completed\",\"processedRecords\":2}}");
        assertThat(socket.getSubprotocol()).isEmpty(); // none offered, none chosen
        // flows-service saw the organization of the key, never the key itself
        assertThat(tenantsSeen).contains("org_a /v1/batch/status/batch_1", "org_a /v1/batch/batch_1/events");
    }

    @Test
    void aBrowserOffersTheKeyAsASubprotocol() throws Exception {
        Received received = new Received();
        WebSocket socket = HttpClient.newHttpClient().newWebSocketBuilder()
                .subprotocols(BatchSockets.PROTOCOL, "runloom.api-key." + KEY_A)
                .buildAsync(URI.create(wsUrl("/v1/batch/batch_1/ws")), received).join();

        assertThat(socket.getSubprotocol()).isEqualTo(BatchSockets.PROTOCOL);
        assertThat(received.closed.get(10, TimeUnit.SECONDS)).isEqualTo(1000);
        assertThat(received.messages).hasSize(3);
        assertThat(received.messages.getLast()).startsWith("{\"event\":\"complete\"");
    }

    @Test
    void noKeyWrongKeyOtherTenantAndMissingScopeAreRefusedBeforeTheUpgrade() {
        assertThat(handshakeStatus("/v1/batch/batch_1/ws")).isEqualTo(401);
        assertThat(handshakeStatus("/v1/batch/batch_1/ws", "Authorization", "Bearer " + ApiKeys.generate())).isEqualTo(401);
        assertThat(handshakeStatus("/v1/batch/batch_1/ws", "Authorization", "Bearer " + KEY_B)).isEqualTo(404);
        assertThat(handshakeStatus("/v1/batch/batch_missing/ws", "Authorization", "Bearer " + KEY_A)).isEqualTo(404);
        assertThat(handshakeStatus("/v1/batch/batch_1/ws", "Authorization", "Bearer " + KEY_RECORDS_ONLY)).isEqualTo(403);
        // the key protocol is read on upgrades only, and never from the query string
        assertThat(handshakeStatus("/v1/batch/batch_1/ws?apiKey=" + KEY_A)).isEqualTo(401);
    }

    @Test
    void aPlainGetIsTold426AndAProblem() throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(server.getURL() + "/v1/batch/batch_1/ws"))
                .header("Authorization", "Bearer " + KEY_A).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(426);
        assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
        assertThat(response.body()).contains("\"code\":\"websocket_required\"");
    }

    @Test
    void aClientThatLeavesClosesTheStreamToFlowsService() throws Exception {
        Received received = new Received();
        WebSocket socket = connect("/v1/batch/batch_long/ws", received, "X-API-Key", KEY_A).join();
        received.firstMessage.await(10, TimeUnit.SECONDS);
        socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(5, TimeUnit.SECONDS);
        // the fake notices when a write fails: the gateway closed its connection
        assertThat(longStreamClosed.await(10, TimeUnit.SECONDS)).isTrue();
    }

    // ---------------------------------------------------------------------------------------------

    private String wsUrl(String path) {
        return "ws://127.0.0.1:" + server.getPort() + path;
    }

    private CompletableFuture<WebSocket> connect(String path, Received listener, String... headers) {
        WebSocket.Builder builder = HttpClient.newHttpClient().newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10));
        for (int i = 0; i < headers.length; i += 2) {
            builder.header(headers[i], headers[i + 1]);
        }
        return builder.buildAsync(URI.create(wsUrl(path)), listener);
    }

    private int handshakeStatus(String path, String... headers) {
        Throwable error = catchThrowable(() -> connect(path, new Received(), headers).join());
        assertThat(error).isInstanceOf(CompletionException.class).hasCauseInstanceOf(WebSocketHandshakeException.class);
        return ((WebSocketHandshakeException) error.getCause()).getResponse().statusCode();
    }

    /** What a client received: text messages in order, and the close code. */
    static final class Received implements WebSocket.Listener {
        final List<String> messages = new CopyOnWriteArrayList<>();
        final CompletableFuture<Integer> closed = new CompletableFuture<>();
        final CountDownLatch firstMessage = new CountDownLatch(1);
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                messages.add(partial.toString());
                partial.setLength(0);
                firstMessage.countDown();
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closed.complete(statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closed.completeExceptionally(error);
        }
    }

    private HttpServer fakeFlows() {
        try {
            HttpServer fake = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            fake.createContext("/v1/batch", exchange -> {
                try (exchange) {
                    handle(exchange);
                }
            });
            fake.setExecutor(Executors.newCachedThreadPool());
            fake.start();
            return fake;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getRawPath();
        String org;
        try {
            Tenant tenant = tokens.verify(exchange.getRequestHeaders().getFirst(InternalTokens.HEADER));
            org = tenant.organizationId();
        } catch (ProblemException | NullPointerException e) {
            send(exchange, 401, "application/problem+json", "{\"status\":401,\"code\":\"invalid_internal_token\"}");
            return;
        }
        tenantsSeen.add(org + " " + path);
        String batch = path.startsWith("/v1/batch/status/") ? path.substring("/v1/batch/status/".length())
                : path.replaceFirst("^/v1/batch/([^/]+)/events$", "$1");
        if (!org.equals("org_a") || !(batch.equals("batch_1") || batch.equals("batch_long"))) {
            send(exchange, 404, "application/problem+json",
                    "{\"status\":404,\"code\":\"not_found\",\"detail\":\"Batch '" + batch + "' not found\"}");
            return;
        }
        if (path.startsWith("/v1/batch/status/")) {
            send(exchange, 200, "application/json", "{\"batchExecutionId\":\"" + batch + "\",\"status\":\"running\"}");
            return;
        }
        exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
        exchange.sendResponseHeaders(200, 0);
        OutputStream out = exchange.getResponseBody();
        try {
            if (batch.equals("batch_1")) {
                for (int i = 0; i < 3; i++) {
                    String status = i == 2 ? "completed" : "running";
                    out.write(("data: {\"batchExecutionId\":\"batch_1\",\"status\":\"" + status + "\",\"processedRecords\":" + i
                            + "}\nevent: " + (i == 2 ? "complete" : "progress") + "\nid: " + i + "\n\n").getBytes(StandardCharsets.UTF_8));
                    out.flush();
                    Thread.sleep(50);
                }
                return;
            }
            for (int i = 0; i < 600; i++) { // about a minute of progress, unless the gateway hangs up
                out.write(("data: {\"batchExecutionId\":\"batch_long\",\"processedRecords\":" + i
                        + "}\nevent: progress\nid: " + i + "\n\n").getBytes(StandardCharsets.UTF_8));
                out.flush();
                Thread.sleep(100);
            }
        } catch (IOException e) {
            longStreamClosed.countDown();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void send(HttpExchange exchange, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }
}
