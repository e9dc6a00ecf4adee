package dev.runloom.gateway;

import dev.runloom.gateway.auth.ApiKey;
import dev.runloom.gateway.auth.ApiKeyRepository;
import dev.runloom.gateway.auth.ApiKeys;
import dev.runloom.testsupport.ServiceTest;
import dev.runloom.testsupport.TestInfrastructure;
import io.micronaut.context.ApplicationContext;
import io.micronaut.context.env.Environment;
import io.micronaut.core.type.Argument;
import io.micronaut.json.JsonMapper;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Three gateway starts on one database — this class's own gateway, then two more on its database:
 * configured keys are upserted by hash (same row, updated attributes, nothing duplicated), and a
 * service that is down answers a retryable 503 problem. Also: a database migrated before the kernel
 * split (with the old outbox/inbox migration in its history) still starts.
 */
@ServiceTest("gateway")
class GatewayBootstrapTest implements TestPropertyProvider {
    /** What the class's gateway shares with every restart: its database and secret. */
    private static final List<String> SHARED = List.of("datasources.default.url", "datasources.default.username",
            "datasources.default.password", "datasources.default.driver-class-name", "datasources.default.dialect",
            "runloom.internal.secret");

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();
    private final String configured = ApiKeys.generate();
    private final String local = ApiKeys.generate();
    private final String nobody = "http://127.0.0.1:" + unusedPort();

    @Inject EmbeddedServer server;
    @Inject ApiKeyRepository repository;
    @Inject dev.runloom.gateway.auth.ApiKeyHasher hasher;
    @Inject JsonMapper json;
    @Inject Environment environment;

    /** The first start's configuration: every service down, one configured key and the launcher's. */
    @Override
    public Map<String, String> getProperties() {
        Map<String, String> props = new HashMap<>();
        props.put("micronaut.server.port", "-1");
        props.put("runloom.gateway.rate-limit.failed-auth-per-address-per-minute", "100000");
        props.put("runloom.services.records-url", nobody);
        props.put("runloom.services.flows-url", nobody);
        props.put("runloom.services.schedules-url", nobody);
        props.put("runloom.services.agents-url", nobody);
        props.put("runloom.gateway.api-keys[0].key", configured);
        props.put("runloom.gateway.api-keys[0].organization-id", "org_x");
        props.put("runloom.gateway.api-keys[0].name", "ci");
        // stands in for the launcher's env var RUNLOOM_API_KEY (application.yml: ${RUNLOOM_API_KEY:}); RUNLOOM_ORG_ID unset → org_local
        props.put("RUNLOOM_API_KEY", local);
        return props;
    }

    @Test
    void configuredKeysAreUpsertedIdempotentlyAcrossRestarts() throws Exception {
        Map<String, Object> props = restartProperties();

        ApiKey firstConfigured;
        ApiKey firstLocal;
        {
            // the first start is this class's gateway
            assertThat(repository.countByKeyHash(hasher.hash(configured))).isEqualTo(1);
            assertThat(repository.countByKeyHash(hasher.hash(local))).isEqualTo(1);
            firstConfigured = repository.findByKeyHash(hasher.hash(configured)).orElseThrow();
            firstLocal = repository.findByKeyHash(hasher.hash(local)).orElseThrow();
            assertThat(firstConfigured.organizationId()).isEqualTo("org_x");
            assertThat(firstConfigured.userId()).isEqualTo("user_local");
            assertThat(firstConfigured.name()).isEqualTo("ci");
            assertThat(firstConfigured.scopes()).containsExactly("*");
            assertThat(firstConfigured.keyPrefix()).isEqualTo(configured.substring(0, 16));
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
                Map<String, Object> problem = json.readValue(response.body(), Argument.mapOf(String.class, Object.class));
                assertThat(problem).containsEntry("code", "service_unavailable").containsEntry("retryable", true)
                        .containsEntry("status", 503);
            }
        }

        props.put("runloom.gateway.api-keys[0].name", "ci renamed");
        props.put("runloom.gateway.api-keys[0].scopes", "RECORDS:READ,RECORDS:WRITE");
        try (EmbeddedServer server = ApplicationContext.run(EmbeddedServer.class, props)) {
            ApiKeyRepository repository = server.getApplicationContext().getBean(ApiKeyRepository.class);
            assertThat(repository.countByKeyHash(hasher.hash(configured))).isEqualTo(1);
            assertThat(repository.countByKeyHash(hasher.hash(local))).isEqualTo(1);
            ApiKey again = repository.findByKeyHash(hasher.hash(configured)).orElseThrow();
            assertThat(again.id()).isEqualTo(firstConfigured.id());
            assertThat(again.createdAt()).isEqualTo(firstConfigured.createdAt());
            assertThat(again.name()).isEqualTo("ci renamed");
            assertThat(again.scopes()).isEqualTo(Set.of("RECORDS:READ", "RECORDS:WRITE"));
            assertThat(repository.findByKeyHash(hasher.hash(local)).orElseThrow()).usingRecursiveComparison()
                    .ignoringFields("lastUsedAt").isEqualTo(firstLocal);

            // a revoked key stays revoked however often it is configured again
            repository.revoke(again.id());
        }
        try (EmbeddedServer server = ApplicationContext.run(EmbeddedServer.class, props)) {
            ApiKeyRepository repository = server.getApplicationContext().getBean(ApiKeyRepository.class);
            assertThat(repository.findByKeyHash(hasher.hash(configured)).orElseThrow().revoked()).isTrue();
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
        assertThat(hasher.hash(key)).matches("hmac:[0-9a-f]{64}").isEqualTo(hasher.hash(key));
        assertThat(ApiKeys.displayPrefix(key)).hasSize(16).startsWith("rt_live_");
    }

    @Test
    void startsOnADatabaseMigratedBeforeTheKernelSplit() throws Exception {
        // the gateway's database as the old layout left it: db/runloom's outbox/inbox migration (V0_1,
        // byte for byte the one the gateway used to ship) applied next to db/gateway's
        TestInfrastructure infra = TestInfrastructure.get();
        String oldDatabase = infra.newDatabase("gateway_before_split");
        Flyway.configure().dataSource(oldDatabase, infra.dbUser(), infra.dbPassword())
                .locations("classpath:db/before-kernel-split", "classpath:db/gateway").load().migrate();

        Map<String, Object> props = restartProperties();
        props.put("datasources.default.url", oldDatabase);
        try (EmbeddedServer upgraded = ApplicationContext.run(EmbeddedServer.class, props)) {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + upgraded.getPort() + "/v1/records"))
                    .header("Authorization", "Bearer " + local).timeout(Duration.ofSeconds(30)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            // authenticated (the key was provisioned into the old database), then the service is down
            assertThat(response.statusCode()).as(response.body()).isEqualTo(503);
        }
        try (Connection c = DriverManager.getConnection(oldDatabase, infra.dbUser(), infra.dbPassword());
             Statement st = c.createStatement();
             ResultSet rows = st.executeQuery("SELECT version, success FROM flyway_schema_history"
                     + " WHERE version IS NOT NULL ORDER BY installed_rank")) {
            List<String> history = new ArrayList<>();
            while (rows.next()) {
                history.add(rows.getString(1) + ":" + rows.getBoolean(2));
            }
            assertThat(history).startsWith("0.1:true", "1:true").allMatch(v -> v.endsWith(":true"));
        }
    }

    /**
     * Configuration for another gateway on this class's database: this class's properties plus what
     * {@code @ServiceTest} gave its gateway (database, secret), read back from the running context.
     */
    private Map<String, Object> restartProperties() {
        Map<String, Object> props = new HashMap<>(getProperties());
        for (String name : SHARED) {
            props.put(name, environment.getRequiredProperty(name, String.class));
        }
        return props;
    }

    private static int unusedPort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
