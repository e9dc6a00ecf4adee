package dev.runloom.gateway.openapi;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** How the services' documents become the public one (pure: no server). */
class OpenApiMergerTest {
    private final OpenApiMerger merger = new OpenApiMerger(PublicOpenApiDocument.referenceOperations());

    private static Map<String, Object> document(Map<String, Object> paths, Map<String, Object> schemas) {
        return Map.of("openapi", "3.1.0", "paths", paths, "components", Map.of("schemas", schemas));
    }

    private static Map<String, Object> get(String operationId, Map<String, Object> responseSchema) {
        return Map.of("get", Map.of("operationId", operationId,
                "parameters", List.of(
                        Map.of("name", "tenant", "in", "query", "schema", Map.of("$ref", "#/components/schemas/Tenant")),
                        Map.of("name", "id", "in", "path", "required", true, "schema", Map.of("type", "string")),
                        Map.of("name", "limit", "in", "query", "schema", Map.of("type", List.of("string", "null", "object")))),
                "responses", Map.of("200", Map.of("description", "ok",
                        "content", Map.of("application/json", Map.of("schema", responseSchema))))));
    }

    @Test
    @SuppressWarnings("unchecked")
    void mergesPublicPathsRenamesCollidingSchemasAndMarksExtensions() {
        Map<String, Object> records = document(Map.of(
                        "/v1/records/{id}", get("get", Map.of("$ref", "#/components/schemas/Page")),
                        "/internal/records", get("internal", Map.of("type", "object"))),
                Map.of("Page", Map.of("type", "object", "description", "records' page"), "Tenant", Map.of("type", "object")));
        Map<String, Object> agents = document(Map.of(
                        "/v1/agents/{id}/novelty", get("novelty", Map.of("$ref", "#/components/schemas/Page")),
                        "/v1/agents/{id}/pause", Map.of("post", Map.of("operationId", "pause",
                                "requestBody", Map.of("content", Map.of("application/json", Map.of("schema", Map.of("properties",
                                        Map.of("tenant", Map.of("$ref", "#/components/schemas/Tenant")))))),
                                "responses", Map.of()))),
                Map.of("Page", Map.of("type", "object", "description", "agents' page")));

        Map<String, Object> merged = merger.merge(List.of(
                new OpenApiMerger.ServiceDocument("records", records), new OpenApiMerger.ServiceDocument("agents", agents)));

        assertThat(merged.get("openapi")).isEqualTo("3.1.0");
        Map<String, Object> paths = (Map<String, Object>) merged.get("paths");
        assertThat(paths).containsOnlyKeys("/v1/records/{id}", "/v1/agents/{id}/novelty", "/v1/agents/{id}/pause", OpenApiFilter.PATH);
        assertThat(((Map<String, Object>) ((Map<String, Object>) paths.get("/v1/agents/{id}/pause")).get("post")))
                .doesNotContainKey("requestBody");

        Map<String, Object> recordGet = (Map<String, Object>) ((Map<String, Object>) paths.get("/v1/records/{id}")).get("get");
        assertThat(recordGet.get("operationId")).isEqualTo("records.get");
        assertThat((List<Map<String, Object>>) recordGet.get("parameters")).extracting(p -> p.get("name")).containsExactly("id", "limit");
        assertThat(((List<Map<String, Object>>) recordGet.get("parameters")).get(1).get("schema")).isEqualTo(Map.of("type", "string"));
        assertThat(recordGet).doesNotContainKey(OpenApiMerger.EXTENSION);
        assertThat((Map<String, Object>) recordGet.get("responses")).containsKey("default");

        Map<String, Object> novelty = (Map<String, Object>) ((Map<String, Object>) paths.get("/v1/agents/{id}/novelty")).get("get");
        assertThat(novelty.get(OpenApiMerger.EXTENSION)).isEqualTo(true);
        assertThat(novelty.toString()).contains("#/components/schemas/agents.Page");

        Map<String, Object> schemas = (Map<String, Object>) ((Map<String, Object>) merged.get("components")).get("schemas");
        assertThat(schemas).containsKeys("Page", "agents.Page", "Problem").doesNotContainKey("Tenant");
        assertThat(((Map<String, Object>) merged.get("components")).get("securitySchemes").toString()).contains("bearer");
    }

    @Test
    void theReferenceListIsReadAndKeyedWithoutVariableNames() {
        Set<String> reference = PublicOpenApiDocument.referenceOperations();
        assertThat(reference).contains("GET /v1/records/{}", "POST /v1/flows/{}/run-on-record-type", "GET /v1/schedules/runs/{}/results");
        assertThat(OpenApiMerger.operationKey("get", "/v1/agents/{agentId}/executions/{executionId}"))
                .isEqualTo("GET /v1/agents/{}/executions/{}");
    }
}
