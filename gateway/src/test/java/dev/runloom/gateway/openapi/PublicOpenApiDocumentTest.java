package dev.runloom.gateway.openapi;

import com.sun.net.httpserver.HttpServer;
import dev.runloom.common.tenant.InternalTokens;
import dev.runloom.testsupport.MicronautTestInfra;
import dev.runloom.testsupport.ServiceTest;
import io.micronaut.core.type.Argument;
import io.micronaut.json.JsonMapper;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.support.TestPropertyProvider;
import io.micronaut.web.router.Router;
import dev.runloom.testsupport.OpenApiCoverage;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code GET /v1/openapi.json} and {@code /docs} on a real gateway, in front of four real HTTP servers on
 * loopback that serve each service's {@code /internal/openapi} (and check the internal token as a service
 * does). The cache lives 0 s here, so every request rebuilds the document.
 */
@ServiceTest("gateway")
class PublicOpenApiDocumentTest implements TestPropertyProvider {
    private final Map<String, HttpServer> services = new LinkedHashMap<>();
    private final AtomicBoolean agentsDown = new AtomicBoolean();
    private final InternalTokens tokens = new InternalTokens(MicronautTestInfra.TEST_INTERNAL_SECRET);
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @Inject EmbeddedServer server;
    @Inject JsonMapper json;
    @Inject Router router;

    @Override
    public Map<String, String> getProperties() {
        Map<String, String> p = new HashMap<>();
        p.put("micronaut.server.port", "-1");
        p.put("runloom.gateway.openapi.cache-ttl", "0s");
        for (String service : List.of("records", "flows", "schedules", "agents")) {
            p.put("runloom.services." + service + "-url", "http://127.0.0.1:" + start(service).getAddress().getPort());
        }
        return p;
    }

    private HttpServer start(String service) {
        try {
            HttpServer fake = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            fake.createContext("/", exchange -> {
                try (exchange) {
                    boolean signed;
                    try {
                        tokens.verify(exchange.getRequestHeaders().getFirst(InternalTokens.HEADER));
                        signed = true;
                    } catch (RuntimeException e) {
                        signed = false;
                    }
                    String document = """
                            {"openapi":"3.1.0","info":{"title":"%1$s","version":"1"},
                             "paths":{"/v1/%1$s/{id}":{"get":{"operationId":"get","responses":{"200":{"description":"ok"}}}},
                                      "/internal/%1$s":{"get":{"operationId":"internal","responses":{}}}},
                             "components":{"schemas":{"Tenant":{"type":"object"}}}}""".formatted(service);
                    int status = !signed ? 401 : service.equals("agents") && agentsDown.get() ? 503
                            : exchange.getRequestURI().getPath().equals("/internal/openapi") ? 200 : 404;
                    byte[] body = (status == 200 ? document : "{}").getBytes(StandardCharsets.UTF_8);
                    exchange.getResponseHeaders().set("Content-Type", "application/json");
                    exchange.sendResponseHeaders(status, body.length);
                    exchange.getResponseBody().write(body);
                }
            });
            fake.start();
            services.put(service, fake);
            return fake;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @AfterAll
    void stopFakes() {
        services.values().forEach(s -> s.stop(0));
    }

    @Test
    @SuppressWarnings("unchecked")
    void theMergedDocumentIsPublicAndKeepsTheLastGoodOneWhileAServiceIsDown() throws Exception {
        agentsDown.set(true);
        HttpResponse<String> first = get("/v1/openapi.json");
        assertThat(first.statusCode()).as(first.body()).isEqualTo(503);
        assertThat(first.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
        assertThat(first.body()).contains("service_unavailable", "agents-service");

        agentsDown.set(false);
        HttpResponse<String> ok = get("/v1/openapi.json"); // no API key: the description is public
        assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
        assertThat(ok.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
        Map<String, Object> document = json.readValue(ok.body(), Argument.mapOf(String.class, Object.class));
        assertThat(document.get("openapi")).isEqualTo("3.1.0");
        assertThat((Map<String, Object>) document.get("paths")).containsOnlyKeys("/v1/records/{id}", "/v1/flows/{id}",
                "/v1/schedules/{id}", "/v1/agents/{id}", OpenApiFilter.PATH,
                // the gateway's own resources are documented beside the services'
                "/v1/api-keys", "/v1/api-keys/{id}", "/v1/api-keys/{id}/regenerate", "/v1/admin/organizations",
                // and its batch WebSocket, described by hand
                "/v1/batch/{id}/ws");

        agentsDown.set(true);
        HttpResponse<String> stale = get("/v1/openapi.json");
        assertThat(stale.statusCode()).isEqualTo(200);
        assertThat(stale.body()).isEqualTo(ok.body());
        agentsDown.set(false);
    }

    @Test
    @SuppressWarnings("unchecked")
    void theGatewaysOwnV1RoutesAreDocumented() throws Exception {
        // the gateway's own controllers under /v1 (API keys …) are merged from its generated document
        Map<String, Object> own;
        try (var in = getClass().getClassLoader().getResourceAsStream(PublicOpenApiDocument.OWN_DOCUMENT)) {
            assertThat(in).as("the gateway's generated document").isNotNull();
            own = json.readValue(new String(in.readAllBytes(), StandardCharsets.UTF_8), Argument.mapOf(String.class, Object.class));
        }
        // the batch WebSocket (no controller) is described by hand beside it
        try (var in = getClass().getClassLoader().getResourceAsStream(PublicOpenApiDocument.SOCKET_DOCUMENT)) {
            Map<String, Object> socket = json.readValue(new String(in.readAllBytes(), StandardCharsets.UTF_8),
                    Argument.mapOf(String.class, Object.class));
            Map<String, Object> paths = new java.util.LinkedHashMap<>((Map<String, Object>) own.get("paths"));
            paths.putAll((Map<String, Object>) socket.get("paths"));
            own = new java.util.LinkedHashMap<>(own);
            own.put("paths", paths);
        }
        assertThat(router.uriRoutes().map(route -> route.getUriMatchTemplate().toPathString()))
                .as("the batch WebSocket is a route of the gateway").contains("/v1/batch/{id}/ws");
        List<String> routes = router.uriRoutes()
                .map(route -> route.getHttpMethodName() + " " + route.getUriMatchTemplate().toPathString())
                .toList();
        assertThat(routes).as("the gateway's routes").anyMatch(route -> route.contains("/docs"));
        assertThat(OpenApiCoverage.undocumented(routes, own)).as("gateway /v1 routes missing from its OpenAPI document").isEmpty();
    }

    @Test
    void onlyGetIsAllowed() throws Exception {
        HttpResponse<String> post = http.send(HttpRequest.newBuilder(URI.create(server.getURL() + "/v1/openapi.json"))
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(post.statusCode()).isEqualTo(405);
        assertThat(post.headers().firstValue("Allow").orElse("")).contains("GET");
        assertThat(post.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
    }

    @Test
    void docsServeSwaggerUiFromTheWebjar() throws Exception {
        HttpResponse<String> page = get("/docs");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("SwaggerUIBundle", "/v1/openapi.json").doesNotContain("https://");
        HttpResponse<String> css = get("/docs/assets/swagger-ui.css");
        assertThat(css.statusCode()).isEqualTo(200);
        assertThat(css.headers().firstValue("Content-Type").orElse("")).startsWith("text/css");
        HttpResponse<String> unknown = get("/docs/assets/index.html");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknown.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(server.getURL() + path)).timeout(Duration.ofSeconds(30)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
