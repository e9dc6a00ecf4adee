package dev.runloom.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The public OpenAPI document ({@code GET /v1/openapi.json}, no key) read as the security suites need
 * it: every operation with its path template, variables, query parameters and request-body properties.
 * The suites take their routes from here, so a route added to any service is fuzzed and checked for
 * tenant isolation without touching them.
 */
final class OpenApiDocument {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "patch");
    private static final Pattern VARIABLE = Pattern.compile("\\{([^}/]+)}");

    record Operation(String method, String path, List<String> pathVariables, List<String> queryParameters,
                     Map<String, String> bodyProperties, boolean extension) {
        boolean byId() {
            return !pathVariables.isEmpty();
        }

        boolean takesBody() {
            return method.equals("POST") || method.equals("PUT") || method.equals("PATCH");
        }

        @Override
        public String toString() {
            return method + " " + path;
        }
    }

    private final JsonNode root;
    private final List<Operation> operations;

    private OpenApiDocument(JsonNode root) {
        this.root = root;
        this.operations = readOperations();
    }

    static OpenApiDocument load(String gatewayUrl) {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(gatewayUrl + "/v1/openapi.json"))
                    .timeout(Duration.ofSeconds(60)).GET().build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("GET /v1/openapi.json -> " + response.statusCode() + " " + response.body());
            }
            return new OpenApiDocument(JSON.readTree(response.body()));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the OpenAPI document", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    JsonNode root() {
        return root;
    }

    List<Operation> operations() {
        return operations;
    }

    /** The API's own operations: the document's self-description is not a resource route. */
    List<Operation> apiOperations() {
        return operations.stream().filter(op -> !op.path().equals("/v1/openapi.json")).toList();
    }

    private List<Operation> readOperations() {
        List<Operation> result = new ArrayList<>();
        Iterator<Map.Entry<String, JsonNode>> paths = root.path("paths").fields();
        while (paths.hasNext()) {
            Map.Entry<String, JsonNode> path = paths.next();
            Iterator<Map.Entry<String, JsonNode>> methods = path.getValue().fields();
            while (methods.hasNext()) {
                Map.Entry<String, JsonNode> entry = methods.next();
                String method = entry.getKey().toLowerCase(Locale.ROOT);
                if (!METHODS.contains(method)) {
                    continue;
                }
                JsonNode operation = entry.getValue();
                List<String> variables = new ArrayList<>();
                Matcher matcher = VARIABLE.matcher(path.getKey());
                while (matcher.find()) {
                    variables.add(matcher.group(1));
                }
                Set<String> query = new LinkedHashSet<>();
                for (JsonNode parameter : concat(path.getValue().path("parameters"), operation.path("parameters"))) {
                    if ("query".equals(parameter.path("in").asText())) {
                        query.add(parameter.path("name").asText());
                    }
                }
                Map<String, String> body = new LinkedHashMap<>();
                JsonNode schema = resolve(operation.path("requestBody").path("content").path("application/json").path("schema"));
                Iterator<Map.Entry<String, JsonNode>> properties = schema.path("properties").fields();
                while (properties.hasNext()) {
                    Map.Entry<String, JsonNode> property = properties.next();
                    body.put(property.getKey(), typeOf(resolve(property.getValue())));
                }
                result.add(new Operation(method.toUpperCase(Locale.ROOT), path.getKey(), List.copyOf(variables),
                        List.copyOf(query), body, operation.path("x-runloom-extension").asBoolean(false)));
            }
        }
        return result;
    }

    private static List<JsonNode> concat(JsonNode a, JsonNode b) {
        List<JsonNode> all = new ArrayList<>();
        a.forEach(all::add);
        b.forEach(all::add);
        return all;
    }

    private JsonNode resolve(JsonNode schema) {
        JsonNode current = schema;
        for (int hops = 0; hops < 10 && current.has("$ref"); hops++) {
            String ref = current.get("$ref").asText();
            JsonNode target = root;
            for (String part : ref.substring(2).split("/")) {
                target = target.path(part.replace("~1", "/").replace("~0", "~"));
            }
            current = target;
        }
        return current;
    }

    /** The first non-null JSON type of a schema ({@code string}, {@code integer}, {@code object} …), or {@code any}. */
    private static String typeOf(JsonNode schema) {
        JsonNode type = schema.path("type");
        if (type.isTextual()) {
            return type.asText();
        }
        for (JsonNode t : type) {
            if (!"null".equals(t.asText())) {
                return t.asText();
            }
        }
        return schema.has("properties") ? "object" : "any";
    }
}
