package dev.runloom.gateway;

import dev.runloom.gateway.auth.ApiKey;
import dev.runloom.gateway.auth.ApiKeyRepository;
import dev.runloom.gateway.auth.ApiKeys;
import dev.runloom.testsupport.MicronautTestInfra;
import io.micronaut.context.ApplicationContext;
import io.micronaut.core.type.Argument;
import io.micronaut.json.JsonMapper;
import io.micronaut.runtime.server.EmbeddedServer;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two gateway starts on one database: configured keys are upserted by hash (same row, updated
 * attributes, nothing duplicated), and a service that is down answers a retryable 503 problem.
 */
class GatewayBootstrapTest {
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();

    @Test
    void configuredKeysAreUpsertedIdempotentlyAcrossRestarts() throws Exception {
        String configured = ApiKeys.generate();
        String local = ApiKeys.generate();
        Map<String, Object> props = new HashMap<>(MicronautTestInfra.serviceProperties("gateway_boot"));
        props.put("micronaut.server.port", -1);
        String nobody = "http://127.0.0.1:" + unusedPort();
        props.put("runloom.services.records-url", nobody);
        props.put("runloom.services.flows-url", nobody);
        props.put("runloom.services.schedules-url", nobody);
        props.put("runloom.services.agents-url", nobody);
        props.put("runloom.gateway.api-keys[0].key", configured);
        props.put("runloom.gateway.api-keys[0].organization-id", "org_x");
        props.put("runloom.gateway.api-keys[0].name", "ci");
        // stands in for the launcher's env var RUNLOOM_API_KEY (application.yml: ${RUNLOOM_API_KEY:}); RUNLOOM_ORG_ID unset → org_local
        props.put("RUNLOOM_API_KEY", local);

        ApiKey firstConfigured;
        ApiKey firstLocal;
        try (EmbeddedServer server = ApplicationContext.run(EmbeddedServer.class, props)) {
            ApiKeyRepository repository = server.getApplicationContext().getBean(ApiKeyRepository.class);
            assertThat(repository.countByHash(ApiKeys.hash(configured))).isEqualTo(1);
            assertThat(repository.countByHash(ApiKeys.hash(local))).isEqualTo(1);
            firstConfigured = repository.findByHash(ApiKeys.hash(configured)).orElseThrow();
            firstLocal = repository.findByHash(ApiKeys.hash(local)).orElseThrow();
            assertThat(firstConfigured.organizationId()).isEqualTo("org_x");
            assertThat(firstConfigured.userId()).isEqualTo("user_local");
            assertThat(firstConfigured.name()).isEqualTo("ci");
            assertThat(firstConfigured.scopes()).containsExactly("*");
            assertThat(firstConfigured.keyPrefix()).isEqualTo(configured.substring(0, 12));
            assertThat(firstLocal.organizationId()).isEqualTo("org_local");
            assertThat(firstLocal.userId()).isEqualTo("user_local");

            // every service is down: a retryable 503 problem, whichever route
            for (String path : new String[]{"/v1/records?limit=1", "/v1/flows", "/v1/schedules/x", "/v1/agents"}) {
                HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                                URI.create("http://127.0.0.1:" + server.getPort() + path))
                        .header("Authorization", "Bearer " + local).timeout(Duration.ofSeconds(30)).GET().build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(response.statusCode()).as(path).isEqualTo(503);
                assertThat(response.headers().firstValue("Content-Type")).get().asString()
                        .startsWith("application/problem+json");
                Map<String, Object> problem = server.getApplicationContext().getBean(JsonMapper.class)
                        .readValue(response.body(), Argument.mapOf(String.class, Object.class));
                assertThat(problem).containsEntry("code", "service_unavailable").containsEntry("retryable", true)
                        .containsEntry("status", 503);
            }
        }

        props.put("runloom.gateway.api-keys[0].name", "ci renamed");
        props.put("runloom.gateway.api-keys[0].scopes", "RECORDS:READ,RECORDS:WRITE");
        try (EmbeddedServer server = ApplicationContext.run(EmbeddedServer.class, props)) {
            ApiKeyRepository repository = server.getApplicationContext().getBean(ApiKeyRepository.class);
            assertThat(repository.countByHash(ApiKeys.hash(configured))).isEqualTo(1);
            assertThat(repository.countByHash(ApiKeys.hash(local))).isEqualTo(1);
            ApiKey again = repository.findByHash(ApiKeys.hash(configured)).orElseThrow();
            assertThat(again.id()).isEqualTo(firstConfigured.id());
            assertThat(again.createdAt()).isEqualTo(firstConfigured.createdAt());
            assertThat(again.name()).isEqualTo("ci renamed");
            assertThat(again.scopes()).isEqualTo(Set.of("RECORDS:READ", "RECORDS:WRITE"));
            assertThat(repository.findByHash(ApiKeys.hash(local)).orElseThrow()).isEqualTo(firstLocal);

            // a revoked key stays revoked however often it is configured again
            repository.revoke(again.id());
        }
        try (EmbeddedServer server = ApplicationContext.run(EmbeddedServer.class, props)) {
            ApiKeyRepository repository = server.getApplicationContext().getBean(ApiKeyRepository.class);
            assertThat(repository.findByHash(ApiKeys.hash(configured)).orElseThrow().revoked()).isTrue();
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + server.getPort() + "/v1/records"))
                    .header("Authorization", configured).timeout(Duration.ofSeconds(30)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(401);
            assertThat(response.body()).contains("\"invalid_api_key\"");
        }
    }

    @Test
    void generatedKeysHaveTheDocumentedShape() {
        String key = ApiKeys.generate();
        assertThat(key).matches("rt_live_[A-Za-z0-9_-]{43}");
        assertThat(ApiKeys.looksLikeKey(key)).isTrue();
        assertThat(ApiKeys.generate()).isNotEqualTo(key);
        assertThat(ApiKeys.hash(key)).matches("[0-9a-f]{64}").isEqualTo(ApiKeys.hash(key));
        assertThat(ApiKeys.displayPrefix(key)).hasSize(12).startsWith("rt_live_");
    }

    private static int unusedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
