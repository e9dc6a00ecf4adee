package dev.runloom.local;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code GET /v1/openapi.json} (merged from the running services, no key needed) and the {@code /docs} page. */
@ExtendWith(SecurityPlatform.class)
class OpenApiDocsTest {
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @Test
    void theMergedDocumentDescribesEveryServicesV1Api() {
        OpenApiDocument document = OpenApiDocument.load(SecurityPlatform.get().gatewayUrl());
        JsonNode root = document.root();
        assertThat(root.get("openapi").asText()).startsWith("3.1");
        assertThat(root.at("/components/securitySchemes/apiKey/scheme").asText()).isEqualTo("bearer");
        List<String> operations = document.operations().stream().map(Object::toString).toList();
        assertThat(operations).contains("GET /v1/records", "POST /v1/records", "GET /v1/records/{id}",
                "POST /v1/flows", "POST /v1/flows/{id}/run-on-record-type", "GET /v1/batch/status/{id}",
                "POST /v1/schedules", "GET /v1/schedules/runs/{runId}/results", "POST /v1/agents/{id}/execute",
                "GET /v1/openapi.json");
        assertThat(operations).noneMatch(op -> op.contains("/internal"));
        root.get("paths").forEach(item -> item.forEach(op ->
                assertThat(op.at("/responses/default/content").has("application/problem+json")).isTrue()));
        assertThat(root.toString()).doesNotContain("\"Tenant\"");
        assertThat(document.operations()).anyMatch(OpenApiDocument.Operation::extension);
        assertThat(document.operations().stream().filter(op -> op.toString().equals("GET /v1/records/{id}")).findFirst()
                .orElseThrow().extension()).isFalse();
    }

    @Test
    void docsServeSwaggerUiFromTheGatewayItself() throws Exception {
        String base = SecurityPlatform.get().gatewayUrl();
        HttpResponse<String> page = get(base + "/docs");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type").orElse("")).startsWith("text/html");
        assertThat(page.body()).contains("/v1/openapi.json", "/docs/assets/swagger-ui-bundle.js").doesNotContain("https://");
        HttpResponse<String> bundle = get(base + "/docs/assets/swagger-ui-bundle.js");
        assertThat(bundle.statusCode()).isEqualTo(200);
        assertThat(bundle.body().length()).isGreaterThan(100_000);
        assertThat(get(base + "/docs/assets/swagger-ui.css").statusCode()).isEqualTo(200);
        HttpResponse<String> other = get(base + "/docs/assets/pom.properties");
        assertThat(other.statusCode()).isEqualTo(404);
        assertThat(other.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
        assertThat(get(base + "/docs/assets/..%2F..%2Fdocs%2Findex.html").statusCode()).isEqualTo(404);
    }

    private HttpResponse<String> get(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
