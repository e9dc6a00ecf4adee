package dev.runloom.gateway;

import dev.runloom.gateway.auth.ApiKeys;
import dev.runloom.testsupport.ServiceTest;
import io.micronaut.core.type.Argument;
import io.micronaut.json.JsonMapper;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Several replicas of a service behind the gateway: flows-service has two live replicas (real HTTP
 * servers, {@link FakeServices}) and one dead address between them (a port nobody listens on, as
 * after a kill -9); schedules-service has only dead ones. The gateway must spread requests over the
 * live replicas, never hand a caller the dead one's refused connect, and answer a retryable 503 only
 * when no replica is left.
 */
@ServiceTest("gateway")
class GatewayReplicasTest implements TestPropertyProvider {
    static final String KEY = ApiKeys.generate();

    private final FakeServices services = new FakeServices("records", "flows-1", "flows-2", "agents");
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();

    @Inject EmbeddedServer server;
    @Inject JsonMapper json;

    @Override
    public Map<String, String> getProperties() {
        Map<String, String> p = new HashMap<>();
        p.put("micronaut.server.port", "-1");
        p.put("runloom.services.records-url", services.url("records"));
        p.put("runloom.services.flows-url", services.url("flows-1") + "," + deadUrl() + ", " + services.url("flows-2"));
        p.put("runloom.services.schedules-url", deadUrl() + "," + deadUrl());
        p.put("runloom.services.agents-url", services.url("agents"));
        p.put("runloom.gateway.api-keys[0].key", KEY);
        p.put("runloom.gateway.api-keys[0].organization-id", "org_a");
        p.put("runloom.gateway.rate-limit.per-key-per-minute", "100000");
        p.put("runloom.gateway.rate-limit.per-organization-per-minute", "100000");
        return p;
    }

    @AfterAll
    void stopFakes() {
        services.close();
    }

    @Test
    void readsSpreadOverTheLiveReplicasAndNeverReachTheCallerAsAFailure() throws Exception {
        List<String> servedBy = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            HttpResponse<String> response = send("GET", "/v1/flows?page=" + i, null);
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            servedBy.add((String) echo(response).get("service"));
        }
        assertThat(servedBy).contains("flows-1", "flows-2");
        // round robin: neither live replica takes (nearly) all of it
        assertThat(servedBy.stream().filter("flows-1"::equals).count()).isBetween(3L, 9L);
    }

    @Test
    void aJsonBodyRefusedByADeadReplicaReachesALiveOneWhole() throws Exception {
        for (int i = 0; i < 6; i++) {
            String body = "{\"name\":\"Flow " + i + "\",\"flowSteps\":[]}";
            HttpResponse<String> response = send("POST", "/v1/flows", body, "Content-Type", "application/json");
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            Map<String, Object> echo = echo(response);
            assertThat((String) echo.get("service")).startsWith("flows-");
            assertThat(echo.get("body")).isEqualTo(body);
        }
    }

    @Test
    void noLiveReplicaIsARetryable503() throws Exception {
        HttpResponse<String> response = send("GET", "/v1/schedules", null);
        assertThat(response.statusCode()).isEqualTo(503);
        Map<String, Object> problem = json.readValue(response.body(), Argument.mapOf(String.class, Object.class));
        assertThat(problem.get("code")).isEqualTo("service_unavailable");
        assertThat(problem.get("retryable")).isEqualTo(true);
    }

    private static String deadUrl() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return "http://127.0.0.1:" + socket.getLocalPort(); // closed right away: connects are refused
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Map<String, Object> echo(HttpResponse<String> response) throws IOException {
        return json.readValue(response.body(), Argument.mapOf(String.class, Object.class));
    }

    private HttpResponse<String> send(String method, String path, String body, String... headers)
            throws IOException, InterruptedException {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.getPort() + path))
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + KEY)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        for (int i = 0; i < headers.length; i += 2) {
            builder.header(headers[i], headers[i + 1]);
        }
        return http.send(builder.build(), HttpResponse.BodyHandlers.ofString());
    }
}
