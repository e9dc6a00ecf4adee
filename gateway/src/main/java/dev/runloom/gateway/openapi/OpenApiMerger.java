package dev.runloom.gateway.openapi;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Builds the public {@code /v1} OpenAPI 3.1 document from the services' own documents (each generated
 * from its controllers by micronaut-openapi at compile time):
 * <ul>
 *   <li>only {@code /v1} paths are kept ({@code /internal/**} is not public);</li>
 *   <li>the {@code Tenant} parameter the services bind from the internal token is removed: callers send
 *       an API key, declared once as the bearer security scheme;</li>
 *   <li>operation ids are prefixed with their service, and schemas two services name alike but define
 *       differently are renamed {@code <service>.<name>} (with every {@code $ref} to them), so nothing
 *       collides;</li>
 *   <li>every operation documents the RFC 9457 problem answer, and operations the Runtype reference
 *       does not list carry {@code x-runloom-extension: true}.</li>
 * </ul>
 * Pure: documents in, document out, as {@code Map}/{@code List} trees of parsed JSON.
 */
public final class OpenApiMerger {
    public static final String EXTENSION = "x-runloom-extension";
    static final String SECURITY_SCHEME = "apiKey";
    private static final Set<String> HTTP_METHODS = Set.of("get", "put", "post", "delete", "options", "head", "patch", "trace");
    private static final String TENANT_SCHEMA = "Tenant";
    private static final String PROBLEM_SCHEMA = "Problem";

    private final Set<String> referenceOperations;

    /** @param referenceOperations the reference's operations as {@code "GET /v1/records/{}"} keys */
    public OpenApiMerger(Set<String> referenceOperations) {
        this.referenceOperations = referenceOperations;
    }

    /** One service's document, named for prefixes and renames ({@code records}, {@code flows} …). */
    public record ServiceDocument(String service, Map<String, Object> document) {
    }

    public Map<String, Object> merge(List<ServiceDocument> documents) {
        Map<String, Object> paths = new java.util.TreeMap<>();
        Map<String, Object> schemas = new java.util.TreeMap<>();
        List<Object> tags = new ArrayList<>();
        for (ServiceDocument source : documents) {
            Map<String, Object> document = source.document();
            Map<String, Object> ownSchemas = map(map(document.get("components")).get("schemas"));
            Map<String, String> renames = new LinkedHashMap<>();
            ownSchemas.forEach((name, schema) -> {
                if (!TENANT_SCHEMA.equals(name) && schemas.containsKey(name) && !schemas.get(name).equals(schema)) {
                    renames.put(name, source.service() + "." + name);
                }
            });
            Map<String, Object> renamed = map(rewriteRefs(document, renames));
            map(map(renamed.get("components")).get("schemas")).forEach((name, schema) -> {
                if (!TENANT_SCHEMA.equals(name)) {
                    schemas.put(renames.getOrDefault(name, name), schema);
                }
            });
            boolean anyPath = false;
            for (Map.Entry<String, Object> path : map(renamed.get("paths")).entrySet()) {
                if (path.getKey().equals("/v1") || path.getKey().startsWith("/v1/")) {
                    paths.put(path.getKey(), publicPathItem(source.service(), path.getKey(), map(path.getValue())));
                    anyPath = true;
                }
            }
            if (anyPath) {
                tags.add(Map.of("name", source.service()));
            }
        }
        schemas.put(PROBLEM_SCHEMA, problemSchema());
        paths.put(OpenApiFilter.PATH, selfDescription());

        Map<String, Object> merged = new LinkedHashMap<>();
        merged.put("openapi", "3.1.0");
        merged.put("info", Map.of(
                "title", "Runloom API",
                "version", "v1",
                "description", "The Runtype-compatible /v1 API served by Runloom's gateway. Authenticate with an API key "
                        + "(Authorization: Bearer rt_live_… or rt_test_…). Errors are RFC 9457 application/problem+json. "
                        + "Operations marked " + EXTENSION + " go beyond the Runtype reference."));
        merged.put("tags", tags);
        merged.put("security", List.of(Map.of(SECURITY_SCHEME, List.of())));
        merged.put("paths", paths);
        merged.put("components", Map.of(
                "schemas", schemas,
                "securitySchemes", Map.of(SECURITY_SCHEME, Map.of(
                        "type", "http", "scheme", "bearer", "bearerFormat", "API key",
                        "description", "An API key: rt_live_… or rt_test_…"))));
        return merged;
    }

    private Map<String, Object> publicPathItem(String service, String path, Map<String, Object> item) {
        Map<String, Object> result = new LinkedHashMap<>();
        item.forEach((key, value) -> {
            if (HTTP_METHODS.contains(key.toLowerCase(Locale.ROOT)) && value instanceof Map<?, ?>) {
                result.put(key, publicOperation(service, key, path, map(value)));
            } else if (!"parameters".equals(key)) {
                result.put(key, value);
            } else {
                result.put(key, withoutTenant(value));
            }
        });
        return result;
    }

    private Map<String, Object> publicOperation(String service, String method, String path, Map<String, Object> operation) {
        Map<String, Object> result = new LinkedHashMap<>(operation);
        if (result.get("operationId") instanceof String id) {
            result.put("operationId", service + "." + id);
        }
        if (!(result.get("tags") instanceof List<?> tags) || tags.isEmpty()) {
            result.put("tags", List.of(service));
        }
        if (result.containsKey("parameters")) {
            result.put("parameters", withoutTenant(result.get("parameters")));
        }
        if (tenantOnlyBody(result.get("requestBody"))) {
            // micronaut-openapi reads an unannotated Tenant argument of a POST as a body property
            result.remove("requestBody");
        }
        Map<String, Object> responses = new LinkedHashMap<>(map(result.get("responses")));
        responses.putIfAbsent("default", problemResponse());
        result.put("responses", responses);
        if (!referenceOperations.contains(operationKey(method, path))) {
            result.put(EXTENSION, true);
        }
        return result;
    }

    /** {@code GET /v1/records/{}}: how operations compare with the reference, variables unnamed. */
    public static String operationKey(String method, String path) {
        return method.toUpperCase(Locale.ROOT) + " " + path.replaceAll("\\{[^}/]*}", "{}");
    }

    private static Object withoutTenant(Object parameters) {
        if (!(parameters instanceof List<?> list)) {
            return parameters;
        }
        List<Object> kept = new ArrayList<>();
        for (Object parameter : list) {
            Object ref = map(map(parameter).get("schema")).get("$ref");
            if (!("#/components/schemas/" + TENANT_SCHEMA).equals(ref)) {
                kept.add(plainStringParameter(map(parameter)));
            }
        }
        return kept;
    }

    /**
     * micronaut-openapi types a {@code @Nullable String} query or path parameter {@code [string, null, object]};
     * a URL carries strings, so say {@code string} (optional parameters stay optional through {@code required}).
     */
    private static Map<String, Object> plainStringParameter(Map<String, Object> parameter) {
        Map<String, Object> schema = map(parameter.get("schema"));
        if (schema.get("type") instanceof List<?> types && types.contains("string")) {
            Map<String, Object> copy = new LinkedHashMap<>(parameter);
            Map<String, Object> plain = new LinkedHashMap<>(schema);
            plain.put("type", "string");
            copy.put("schema", plain);
            return copy;
        }
        return parameter;
    }

    /** A request body whose only property is the service's Tenant argument: the operation takes no body. */
    private static boolean tenantOnlyBody(Object requestBody) {
        Map<String, Object> content = map(map(requestBody).get("content"));
        if (content.isEmpty()) {
            return false;
        }
        for (Object media : content.values()) {
            Map<String, Object> schema = map(map(media).get("schema"));
            Map<String, Object> properties = map(schema.get("properties"));
            if (properties.size() != 1 || schema.containsKey("$ref")
                    || !("#/components/schemas/" + TENANT_SCHEMA).equals(map(properties.values().iterator().next()).get("$ref"))) {
                return false;
            }
        }
        return true;
    }

    private static Object rewriteRefs(Object node, Map<String, String> renames) {
        if (renames.isEmpty()) {
            return node;
        }
        if (node instanceof Map<?, ?> object) {
            Map<String, Object> copy = new LinkedHashMap<>();
            object.forEach((key, value) -> {
                if ("$ref".equals(key) && value instanceof String ref && ref.startsWith("#/components/schemas/")) {
                    String name = ref.substring("#/components/schemas/".length());
                    copy.put("$ref", "#/components/schemas/" + renames.getOrDefault(name, name));
                } else {
                    copy.put(String.valueOf(key), rewriteRefs(value, renames));
                }
            });
            return copy;
        }
        if (node instanceof List<?> list) {
            List<Object> copy = new ArrayList<>(list.size());
            for (Object value : list) {
                copy.add(rewriteRefs(value, renames));
            }
            return copy;
        }
        return node;
    }

    private static Map<String, Object> problemSchema() {
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("type", Map.of("type", "string"));
        properties.put("title", Map.of("type", "string"));
        properties.put("status", Map.of("type", "integer"));
        properties.put("detail", Map.of("type", List.of("string", "null")));
        properties.put("code", Map.of("type", "string", "description", "Stable machine-readable error code"));
        properties.put("retryable", Map.of("type", "boolean"));
        return Map.of("type", "object", "description", "An RFC 9457 problem", "properties", properties,
                "required", List.of("title", "status", "code"));
    }

    private static Map<String, Object> problemResponse() {
        return Map.of("description", "A problem (4xx or 5xx), RFC 9457",
                "content", Map.of("application/problem+json",
                        Map.of("schema", Map.of("$ref", "#/components/schemas/" + PROBLEM_SCHEMA))));
    }

    private static Map<String, Object> selfDescription() {
        Map<String, Object> operation = new LinkedHashMap<>();
        operation.put("operationId", "gateway.openapi");
        operation.put("summary", "This OpenAPI document (public: no API key needed)");
        operation.put("tags", List.of("gateway"));
        operation.put("security", List.of());
        operation.put("responses", Map.of(
                "200", Map.of("description", "The merged OpenAPI 3.1 document of the /v1 API",
                        "content", Map.of("application/json", Map.of("schema", Map.of("type", "object")))),
                "default", problemResponse()));
        operation.put(EXTENSION, true);
        return Map.of("get", operation);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value) {
        return value instanceof Map<?, ?> object ? (Map<String, Object>) object : Map.of();
    }
}
