package dev.runloom.gateway;

import dev.runloom.common.tenant.InternalTokens;
import dev.runloom.common.tenant.Tenant;
import dev.runloom.gateway.auth.ApiKeyService;
import dev.runloom.gateway.auth.ApiKeys;
import dev.runloom.testsupport.ServiceTest;
import io.micronaut.core.type.Argument;
import io.micronaut.json.JsonMapper;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The gateway in front of real HTTP servers: {@link FakeServices} are test doubles standing in for
 * the four services, echoing what reached them (and verifying the internal token as a service would).
 * Clients call it as the public does, with API keys (not the injected {@code ApiClient}, which signs
 * internal tokens the way the gateway itself does for the services).
 */
@ServiceTest("gateway")
class GatewayProxyTest implements TestPropertyProvider {
    static final String KEY_A = ApiKeys.generate();
    static final String KEY_B = ApiKeys.generate();

    private final FakeServices services = new FakeServices("records", "flows", "schedules", "agents");
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();

    @Inject EmbeddedServer server;
    @Inject JsonMapper json;
    @Inject ApiKeyService apiKeys;
    @Inject InternalTokens tokens;

    @Override
    public Map<String, String> getProperties() {
        Map<String, String> p = new HashMap<>();
        p.put("micronaut.server.port", "-1");
        p.put("runloom.gateway.rate-limit.failed-auth-per-address-per-minute", "100000");
        p.put("runloom.services.records-url", services.url("records"));
        p.put("runloom.services.flows-url", services.url("flows"));
        p.put("runloom.services.schedules-url", services.url("schedules"));
        p.put("runloom.services.agents-url", services.url("agents"));
        p.put("runloom.gateway.api-keys[0].key", KEY_A);
        p.put("runloom.gateway.api-keys[0].organization-id", "org_a");
        p.put("runloom.gateway.api-keys[0].user-id", "user_a");
        p.put("runloom.gateway.api-keys[0].name", "key of org a");
        p.put("runloom.gateway.api-keys[1].key", KEY_B);
        p.put("runloom.gateway.api-keys[1].organization-id", "org_b");
        p.put("runloom.gateway.api-keys[1].scopes", "RECORDS:READ,FLOWS:*");
        return p;
    }

    @AfterAll
    void stopFakes() {
        services.close();
    }

    // ---- authentication ------------------------------------------------------------------------

    @Test
    void acceptsBearerBareAndXApiKeyForms() throws Exception {
        for (String[] header : List.of(new String[]{"Authorization", "Bearer " + KEY_A},
                new String[]{"Authorization", KEY_A},
                new String[]{"Authorization", "bearer   " + KEY_A},
                new String[]{"X-API-Key", KEY_A})) {
            HttpResponse<String> response = send("GET", "/v1/records?type=lead", null, header[0], header[1]);
            assertThat(response.statusCode()).as(header[0] + ": " + header[1]).isEqualTo(200);
            Map<String, Object> echo = echo(response);
            assertThat(echo.get("tenant")).isEqualTo(Map.of("organizationId", "org_a", "userId", "user_a", "scopes", List.of("*")));
            assertCredentialsStripped(echo, KEY_A);
        }
    }

    @Test
    void missingKeyIs401() throws Exception {
        assertProblem(send("GET", "/v1/records", null), 401, "missing_api_key");
        assertProblem(send("GET", "/v1/records", null, "Authorization", "Bearer "), 401, "missing_api_key");
        assertProblem(send("POST", "/v1/flows", "{}", "Content-Type", "application/json"), 401, "missing_api_key");
        // unknown paths are not revealed to anonymous callers either
        assertProblem(send("GET", "/v1/nothing-here", null), 401, "missing_api_key");
    }

    @Test
    void unknownKeyIs401() throws Exception {
        assertProblem(send("GET", "/v1/records", null, "Authorization", "Bearer " + ApiKeys.generate()), 401, "invalid_api_key");
        assertProblem(send("GET", "/v1/records", null, "Authorization", "Basic dXNlcjpwYXNz"), 401, "invalid_api_key");
        assertProblem(send("GET", "/v1/records", null, "X-API-Key", "rt_live_nope"), 401, "invalid_api_key");
        // a valid internal token is no way in from outside: the public door wants an API key
        String forged = tokens.sign(new Tenant("org_a", "user_a", Set.of("*")));
        assertProblem(send("GET", "/v1/records", null, InternalTokens.HEADER, forged), 401, "missing_api_key");
    }

    @Test
    void revokedKeyIs401() throws Exception {
        ApiKeyService.CreatedApiKey created = apiKeys.create("org_c", "user_c", "to revoke", List.of("*"));
        assertThat(created.key()).startsWith("rt_live_").hasSizeGreaterThanOrEqualTo(40);
        assertThat(created.apiKey().keyPrefix()).isEqualTo(created.key().substring(0, 16));
        HttpResponse<String> before = send("GET", "/v1/agents", null, "Authorization", "Bearer " + created.key());
        assertThat(before.statusCode()).isEqualTo(200);
        assertThat(echo(before).get("tenant")).isEqualTo(Map.of("organizationId", "org_c", "userId", "user_c", "scopes", List.of("*")));

        assertThat(apiKeys.revoke(created.apiKey().id())).isTrue();
        assertProblem(send("GET", "/v1/agents", null, "Authorization", "Bearer " + created.key()), 401, "invalid_api_key");
    }

    @Test
    void healthNeedsNoKey() throws Exception {
        HttpResponse<String> response = send("GET", "/health", null);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("UP");
    }

    // ---- routing -------------------------------------------------------------------------------

    @Test
    void routesEveryPrefixToItsServiceWithMethodPathQueryAndBody() throws Exception {
        record Case(String method, String path, String service, String body) {
        }
        List<Case> cases = List.of(
                new Case("GET", "/v1/records", "records", null),
                new Case("GET", "/v1/records/rec_1/results?page=2&limit=10&includeCount=true", "records", null),
                new Case("POST", "/v1/records", "records", "{\"type\":\"lead\",\"name\":\"Acémè \\u00e9\",\"metadata\":{\"a\":[1,2]}}"),
                new Case("GET", "/v1/records/schema?type=lead%20x&filter=%7B%22a%22%3A1%7D", "records", null),
                new Case("GET", "/v1/flows?limit=5&cursor=abc%3D%3D&direction=next", "flows", null),
                new Case("POST", "/v1/flows/flow_1/run-on-record-type", "flows", "{\"recordType\":\"lead\"}"),
                new Case("PUT", "/v1/flows/flow_1", "flows", "{\"name\":\"renamed\"}"),
                new Case("POST", "/v1/flow-versions/flow_1/publish", "flows", "{\"versionId\":\"flowver_1\"}"),
                new Case("GET", "/v1/flow-steps/step_1", "flows", null),
                new Case("POST", "/v1/batch/flow", "flows", "{\"flowId\":\"flow_1\",\"recordIds\":[\"r1\",\"r2\"]}"),
                new Case("GET", "/v1/batch/status/batch_1", "flows", null),
                new Case("GET", "/v1/schedules?limit=3", "schedules", null),
                new Case("GET", "/v1/schedules/runs/run_1/results?limit=2&offset=4", "schedules", null),
                new Case("DELETE", "/v1/schedules/sched_1", "schedules", null),
                new Case("GET", "/v1/agents/agent_1/executions?cursor=exec_9&includeCount=true", "agents", null),
                new Case("PATCH", "/v1/agents/agent_1", "agents", "{\"config\":{\"model\":\"local\"}}"),
                new Case("POST", "/v1/agent-versions/agent_1/publish", "agents", "{}"));
        for (Case c : cases) {
            HttpResponse<String> response = c.body() == null
                    ? send(c.method(), c.path(), null, "Authorization", "Bearer " + KEY_A)
                    : send(c.method(), c.path(), c.body(), "Authorization", KEY_A, "Content-Type", "application/json");
            assertThat(response.statusCode()).as(c.toString()).isEqualTo(200);
            Map<String, Object> echo = echo(response);
            URI uri = URI.create(c.path());
            assertThat(echo.get("service")).as(c.toString()).isEqualTo(c.service());
            assertThat(echo.get("method")).as(c.toString()).isEqualTo(c.method());
            assertThat(echo.get("path")).as(c.toString()).isEqualTo(uri.getRawPath());
            assertThat(echo.get("query")).as(c.toString()).isEqualTo(uri.getRawQuery());
            assertThat(echo.get("body")).as(c.toString()).isEqualTo(c.body() == null ? "" : c.body());
            assertThat(((Map<?, ?>) echo.get("tenant")).get("organizationId")).isEqualTo("org_a");
            if (c.body() != null) {
                assertThat(headers(echo).get("content-type")).asString().startsWith("application/json");
            }
            assertCredentialsStripped(echo, KEY_A);
        }
    }

    @Test
    void eachOrganizationsKeyReachesTheServiceAsThatOrganization() throws Exception {
        Map<String, Object> a = echo(send("GET", "/v1/flows", null, "Authorization", "Bearer " + KEY_A));
        Map<String, Object> b = echo(send("GET", "/v1/flows", null, "Authorization", "Bearer " + KEY_B));
        assertThat(a.get("tenant")).isEqualTo(Map.of("organizationId", "org_a", "userId", "user_a", "scopes", List.of("*")));
        assertThat(b.get("tenant")).isEqualTo(Map.of("organizationId", "org_b", "userId", "user_local",
                "scopes", List.of("FLOWS:*", "RECORDS:READ")));
        assertCredentialsStripped(a, KEY_A);
        assertCredentialsStripped(b, KEY_B);
    }

    @Test
    void clientSuppliedInternalTokenIsReplaced() throws Exception {
        String forged = tokens.sign(new Tenant("org_b", "intruder", Set.of("*")));
        Map<String, Object> echo = echo(send("GET", "/v1/schedules", null,
                "Authorization", "Bearer " + KEY_A, InternalTokens.HEADER, forged));
        assertThat(((Map<?, ?>) echo.get("tenant")).get("organizationId")).isEqualTo("org_a");
        assertThat(headers(echo).get(InternalTokens.HEADER.toLowerCase())).isNotEqualTo(forged);
    }

    @Test
    void requestIdIsKeptOrMinted() throws Exception {
        HttpResponse<String> kept = send("GET", "/v1/records", null, "Authorization", KEY_A, "X-Request-Id", "req-from-client-1");
        assertThat(headers(echo(kept)).get("x-request-id")).isEqualTo("req-from-client-1");
        assertThat(kept.headers().firstValue("X-Request-Id")).hasValue("req-from-client-1");

        HttpResponse<String> minted = send("GET", "/v1/records", null, "Authorization", KEY_A);
        Object id = headers(echo(minted)).get("x-request-id");
        assertThat(id).asString().isNotBlank();
        assertThat(minted.headers().firstValue("X-Request-Id")).hasValue((String) id);
    }

    @Test
    void problemsFromServicesPassThroughUnchanged() throws Exception {
        for (String path : List.of("/v1/records/conflict", "/v1/flows/flow_1/conflict", "/v1/agents/conflict")) {
            HttpResponse<byte[]> response = http.send(request("POST", path, "{\"name\":\"ACME\"}",
                            "Authorization", "Bearer " + KEY_A, "Content-Type", "application/json"),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertThat(response.statusCode()).isEqualTo(409);
            assertThat(response.headers().firstValue("Content-Type")).hasValue(FakeServices.CONFLICT_CONTENT_TYPE);
            assertThat(response.headers().firstValue("X-Served-By")).isPresent();
            assertThat(response.body()).isEqualTo(FakeServices.CONFLICT_BODY.getBytes(StandardCharsets.UTF_8));
        }
    }

    @Test
    void unknownPathsUnderV1Are404Problems() throws Exception {
        for (String path : List.of("/v1/nothing", "/v1/recordsx", "/v1/agentsfoo/1", "/v1", "/v1/", "/v1/batches")) {
            assertProblem(send("GET", path, null, "Authorization", "Bearer " + KEY_A), 404, "not_found");
        }
    }

    @Test
    void oversizedBodiesAre413Problems() throws Exception {
        String big = "{\"metadata\":\"" + "x".repeat(1024 * 1024 + 10) + "\"}";
        assertProblem(send("POST", "/v1/records", big, "Authorization", "Bearer " + KEY_A,
                "Content-Type", "application/json"), 413, "payload_too_large");
        // the same without Content-Length (chunked): the limit holds, and the service never sees a cut-off body
        assertProblem(http.send(chunked("/v1/records", big), HttpResponse.BodyHandlers.ofString()), 413, "payload_too_large");
        assertThat(services.largestBody()).isLessThanOrEqualTo(1024 * 1024);
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (services.inFlight() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(services.inFlight()).as("a service left waiting for the rest of a body").isZero();

        // just under the limit still goes through, with a length or chunked
        String fits = "{\"metadata\":\"" + "x".repeat(1024 * 1024 - 100) + "\"}";
        HttpResponse<String> ok = send("POST", "/v1/records", fits, "Authorization", "Bearer " + KEY_A,
                "Content-Type", "application/json");
        assertThat(echo(ok).get("body")).isEqualTo(fits);
        HttpResponse<String> okChunked = http.send(chunked("/v1/flows/flow_1/run", fits), HttpResponse.BodyHandlers.ofString());
        assertThat(echo(okChunked).get("body")).isEqualTo(fits);
        assertThat(services.aborted()).isEmpty();
    }

    @Test
    void csvUploadsStreamThroughPastTheBufferedBodyLimit() throws Exception {
        String csv = "name,notes\n" + "row,".repeat(1) + "y".repeat(3 * 1024 * 1024) + "\n";
        HttpResponse<String> sized = send("POST", "/v1/records/upload-csv?type=big", csv, "Authorization", "Bearer " + KEY_A,
                "Content-Type", "text/csv");
        assertThat(sized.statusCode()).isEqualTo(200);
        assertThat(echo(sized).get("body")).isEqualTo(csv);
        HttpRequest chunked = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.getPort() + "/v1/records/upload-csv"))
                .timeout(Duration.ofSeconds(30)).header("Authorization", "Bearer " + KEY_A).header("Content-Type", "text/csv")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(csv.getBytes(StandardCharsets.UTF_8))))
                .build();
        HttpResponse<String> streamed = http.send(chunked, HttpResponse.BodyHandlers.ofString());
        assertThat(streamed.statusCode()).isEqualTo(200);
        assertThat(echo(streamed).get("body")).isEqualTo(csv);
        // curl sends "Expect: 100-continue" before bodies over 1 MB
        HttpRequest expecting = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.getPort() + "/v1/records/upload-csv"))
                .timeout(Duration.ofSeconds(30)).expectContinue(true).header("Authorization", "Bearer " + KEY_A)
                .header("Content-Type", "text/csv").POST(HttpRequest.BodyPublishers.ofString(csv)).build();
        HttpResponse<String> continued = http.send(expecting, HttpResponse.BodyHandlers.ofString());
        assertThat(continued.statusCode()).isEqualTo(200);
        assertThat(echo(continued).get("body")).isEqualTo(csv);
        // other paths keep the 1 MiB limit
        assertProblem(send("POST", "/v1/records", csv, "Authorization", "Bearer " + KEY_A, "Content-Type", "text/csv"),
                413, "payload_too_large");
        services.resetLargestBody();
    }

    private HttpRequest chunked(String path, String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.getPort() + path))
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + KEY_A).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(bytes)))
                .build();
    }

    // ---- helpers -------------------------------------------------------------------------------

    private void assertCredentialsStripped(Map<String, Object> echo, String key) {
        Map<String, Object> headers = headers(echo);
        assertThat(headers).doesNotContainKeys("authorization", "x-api-key");
        assertThat(headers.values()).noneMatch(v -> String.valueOf(v).contains(key));
        assertThat(echo.get("tokenError")).isNull();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> headers(Map<String, Object> echo) {
        return (Map<String, Object>) echo.get("headers");
    }

    private void assertProblem(HttpResponse<String> response, int status, String code) throws IOException {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).get().asString().startsWith("application/problem+json");
        Map<String, Object> problem = json.readValue(response.body(), Argument.mapOf(String.class, Object.class));
        assertThat(problem).containsEntry("code", code).containsEntry("status", status);
        assertThat(problem.get("detail")).isNotNull();
        assertThat(problem.get("retryable")).isEqualTo(false);
    }

    private Map<String, Object> echo(HttpResponse<String> response) throws IOException {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return json.readValue(response.body(), Argument.mapOf(String.class, Object.class));
    }

    private HttpResponse<String> send(String method, String path, String body, String... headers)
            throws IOException, InterruptedException {
        return http.send(request(method, path, body, headers), HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest request(String method, String path, String body, String... headers) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.getPort() + path))
                .timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        for (int i = 0; i < headers.length; i += 2) {
            builder.header(headers[i], headers[i + 1]);
        }
        return builder.build();
    }
}
