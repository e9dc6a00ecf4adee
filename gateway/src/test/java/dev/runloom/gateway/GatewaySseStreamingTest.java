package dev.runloom.gateway;

import com.sun.net.httpserver.HttpServer;
import dev.runloom.gateway.auth.ApiKeys;
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
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An agent's {@code text/event-stream} answer goes through the gateway frame by frame, not buffered:
 * the fake agents-service sends its second frame only after the client has read the first through
 * the gateway, so a buffering proxy would never deliver the first (and the test would time out).
 */
@ServiceTest("gateway")
class GatewaySseStreamingTest implements TestPropertyProvider {
    static final String KEY = ApiKeys.generate();

    private final CountDownLatch firstFrameRead = new CountDownLatch(1);
    private final HttpServer agents = streamingAgents();

    @Inject EmbeddedServer server;

    @Override
    public Map<String, String> getProperties() {
        String url = "http://127.0.0.1:" + agents.getAddress().getPort();
        Map<String, String> p = new HashMap<>();
        p.put("micronaut.server.port", "-1");
        p.put("runloom.services.records-url", url);
        p.put("runloom.services.flows-url", url);
        p.put("runloom.services.schedules-url", url);
        p.put("runloom.services.agents-url", url);
        p.put("runloom.gateway.api-keys[0].key", KEY);
        p.put("runloom.gateway.api-keys[0].organization-id", "org_a");
        p.put("runloom.gateway.api-keys[0].user-id", "user_a");
        p.put("runloom.gateway.api-keys[0].name", "sse key");
        return p;
    }

    private HttpServer streamingAgents() {
        try {
            HttpServer fake = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            fake.createContext("/v1/agents", exchange -> {
                exchange.getRequestBody().readAllBytes();
                exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
                exchange.sendResponseHeaders(200, 0); // chunked
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write("id: 0\ndata: {\"type\":\"execution_start\",\"seq\":0}\n\n".getBytes(StandardCharsets.UTF_8));
                    out.flush();
                    boolean read = firstFrameRead.await(10, TimeUnit.SECONDS);
                    out.write(("id: 1\ndata: {\"type\":\"execution_complete\",\"seq\":1,\"read\":" + read + "}\n\n")
                            .getBytes(StandardCharsets.UTF_8));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            fake.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
            fake.start();
            return fake;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @AfterAll
    void stop() {
        agents.stop(0);
    }

    @Test
    void framesArriveAsTheServiceSendsThem() throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        HttpResponse<Stream<String>> response = http.send(HttpRequest.newBuilder(
                        URI.create(server.getURL() + "/v1/agents/agent_1/execute"))
                .header("Authorization", "Bearer " + KEY).header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString("{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"))
                .build(), HttpResponse.BodyHandlers.ofLines());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
        Iterator<String> lines = response.body().iterator();
        assertThat(lines.next()).isEqualTo("id: 0");
        assertThat(lines.next()).contains("execution_start");
        firstFrameRead.countDown();
        StringBuilder rest = new StringBuilder();
        lines.forEachRemaining(rest::append);
        // the second frame was sent only after the first had been read through the gateway
        assertThat(rest.toString()).contains("execution_complete").contains("\"read\":true");
    }
}
