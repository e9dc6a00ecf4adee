package dev.runloom.local;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Malformed requests for every operation of the OpenAPI document, one bad-input class of
 * /work/shared/spec/BAD-INPUTS.md at a time (path ids, query values, timestamps, cursors, JSON syntax,
 * shapes, strings, numbers, HTTP framing), then random combinations until the wanted count.
 */
final class FuzzCases {
    /** One request to send: which class of bad input it carries, and what it is. */
    record Case(String badClass, OpenApiDocument.Operation operation, String method, String pathAndQuery,
                byte[] body, String contentType, Map<String, String> headers) {
    }

    static final byte[] OVERSIZED = ("{\"name\":\"" + "a".repeat(2 * 1024 * 1024) + "\"}").getBytes(StandardCharsets.UTF_8);
    static final byte[] ONE_MB_STRING = ("{\"name\":\"" + "b".repeat(1024 * 1024 - 100) + "\"}").getBytes(StandardCharsets.UTF_8);
    static final String LONG_10K = "a".repeat(10_000);

    /** Path ids, already percent-encoded. */
    static final Map<String, String> PATH_IDS = ordered(
            "unknown", "rec_doesnotexist0000000000",
            "nul", "%00", "nul-inside", "abc%00def",
            "traversal", "..%2F..%2Finternal%2Frecords", "dot-dot", "..",
            "encoded-slash", "a%2Fb", "lone-surrogate", "%ED%A0%80", "non-utf8", "%FF%FE",
            "rtl-mark", "%E2%80%AEabc", "emoji", "%F0%9F%98%80", "control", "%1B%07",
            "newline", "a%0D%0AX-Injected:%201", "long-10k", LONG_10K, "sql", "%27%20OR%201%3D1%20--",
            "whitespace", "%20", "negative", "-1", "huge-number", "9223372036854775808");

    /** Query values, already percent-encoded. */
    static final Map<String, String> QUERY_VALUES = ordered(
            "nul", "%00", "empty", "", "whitespace", "%20%20", "word", "abc", "negative", "-1", "zero", "0",
            "billion", "1000000000", "long-overflow", "9223372036854775808", "int-overflow", "2147483648",
            "exp-huge", "1e400", "fraction", "1.5", "lone-surrogate", "%ED%A0%80", "non-utf8", "%FF",
            "long-10k", LONG_10K, "sql", "%27%20OR%201%3D1%20--", "control", "%01%1B",
            "time-not-iso", "yesterday", "time-no-zone", "2024-01-01T00%3A00%3A00", "time-date-only", "2024-01-01",
            "time-year-0", "0000-01-01T00%3A00%3A00Z", "time-min", "-999999999-01-01T00%3A00%3A00Z",
            "time-max", "%2B1000000000-01-01T00%3A00%3A00Z", "time-far", "%2B999999999-12-31T23%3A59%3A59Z",
            "time-year-10000", "%2B10000-01-01T00%3A00%3A00Z", "time-invalid", "2024-13-45T25%3A61%3A61Z",
            "cursor-garbage", "not-a-cursor", "cursor-offset-overflow", cursor("{\"offset\":2147483648}"),
            "cursor-offset-negative", cursor("{\"offset\":-5}"), "cursor-offset-long", cursor("{\"offset\":9223372036854775807}"),
            "cursor-id-nul", cursor("{\"id\":\"\\u0000\",\"offset\":0}"), "cursor-direction", cursor("{\"id\":\"x\",\"direction\":\"sideways\"}"),
            "cursor-time-max", cursor("{\"createdAt\":\"+1000000000-01-01T00:00:00Z\",\"id\":\"x\"}"),
            "cursor-array", cursor("[1,2,3]"), "cursor-not-json", cursor("\u0000\u00ff binary"),
            "cursor-other-org", cursor("{\"organizationId\":\"org_other\",\"id\":\"x\",\"offset\":1}"),
            // the keyset format the services issue (instant|id|offset), tampered
            "keyset-time-max", cursor("+1000000000-01-01T00:00:00Z|x|0"), "keyset-time-far", cursor("+999999999-12-31T23:59:59Z|x|0"),
            "keyset-time-min", cursor("-999999999-01-01T00:00:00Z|x|0"), "keyset-offset-max", cursor("2024-01-01T00:00:00Z|x|2147483647"),
            "keyset-offset-overflow", cursor("2024-01-01T00:00:00Z|x|2147483648"), "keyset-offset-negative", cursor("2024-01-01T00:00:00Z|x|-1"),
            "keyset-id-nul", cursor("2024-01-01T00:00:00Z|x\u0000y|1"), "keyset-id-surrogate", cursor("2024-01-01T00:00:00Z|\ud800|1"),
            "keyset-id-long", cursor("2024-01-01T00:00:00Z|" + "i".repeat(5000) + "|1"), "keyset-empty-id", cursor("2024-01-01T00:00:00Z||1"));

    /** Whole bodies of malformed JSON or wrong shapes. */
    static final Map<String, byte[]> BODIES = orderedBytes(
            "json-truncated", "{\"name\": ", "json-trailing-garbage", "{\"name\":\"x\"} trailing",
            "json-two-documents", "{}{}", "json-two-objects", "{\"a\":1}{\"b\":2}", "json-comment", "/* c */ {\"name\":\"x\"}",
            "json-single-quotes", "{'name':'x'}", "json-nan", "{\"name\":NaN}", "json-infinity", "{\"limit\":Infinity}",
            "json-bom", "\uFEFF{\"name\":\"x\"}", "shape-array", "[]", "shape-array-of-objects", "[{\"name\":\"x\"}]",
            "shape-string", "\"name\"", "shape-number", "42", "shape-null", "null", "shape-true", "true",
            "body-empty", "", "body-whitespace", "   \n ", "json-duplicate-key", "{\"name\":\"x\",\"name\":\"y\"}",
            "json-deep-nesting", "[".repeat(5000) + "]".repeat(5000), "json-huge-number", "{\"name\":1" + "0".repeat(2000) + "}",
            "json-raw-nul", "{\"name\":\"a\u0000b\"}", "json-escaped-nul", "{\"name\":\"a\\u0000b\"}",
            "json-lone-surrogate", "{\"name\":\"\\ud800\"}", "json-lone-low-surrogate", "{\"name\":\"\\udc00x\"}",
            "json-unterminated-string", "{\"name\":\"abc", "json-bad-escape", "{\"name\":\"\\x41\"}");

    /** Values put into one property of an otherwise plausible body (JSON text). */
    static final Map<String, String> PROPERTY_VALUES = ordered(
            "null", "null", "number", "123", "negative", "-1", "fraction", "1.5", "exp-huge", "1e400",
            "long-overflow", "9223372036854775808", "boolean", "true", "array", "[]", "array-of-numbers", "[1,2]",
            "object", "{}", "nested-object", "{\"x\":{\"y\":[null]}}", "empty-string", "\"\"", "whitespace", "\"   \"",
            "nul", "\"a\\u0000b\"", "lone-surrogate", "\"\\ud800\"", "rtl-mark", "\"\\u202eabc\"", "emoji", "\"\\ud83d\\ude00\"",
            "control", "\"\\u0001\\u001b\"", "long-10k", "\"" + LONG_10K + "\"", "traversal", "\"../../etc/passwd\"",
            "sql", "\"' OR 1=1 --\"", "time-max", "\"+1000000000-01-01T00:00:00Z\"", "time-far", "\"+999999999-12-31T23:59:59Z\"",
            "time-year-0", "\"0000-01-01T00:00:00Z\"", "time-past", "\"2000-01-01T00:00:00Z\"", "time-not-iso", "\"yesterday\"",
            "cron-6-fields", "\"* * * * * *\"", "zone-invalid", "\"Mars/Olympus\"", "unknown-id", "\"flow_doesnotexist\"");

    private final OpenApiDocument document;
    private final OrgResources resources;
    private final Random random;

    FuzzCases(OpenApiDocument document, OrgResources resources, long seed) {
        this.document = document;
        this.resources = resources;
        this.random = new Random(seed);
    }

    /** Every class for every operation, then random combinations up to {@code atLeast}. */
    List<Case> generate(int atLeast) {
        List<Case> cases = new ArrayList<>();
        List<OpenApiDocument.Operation> operations = document.apiOperations();
        for (OpenApiDocument.Operation op : operations) {
            String path = resources.fill(op.path(), op.pathVariables(), "unknown_id");
            byte[] plausible = plausibleBody(op);
            for (String variable : op.pathVariables()) {
                PATH_IDS.forEach((name, id) -> cases.add(request("path:" + name, op,
                        op.path().replace("{" + variable + "}", id).replaceAll("\\{[^}/]+}", "x"), plausible)));
                PATH_IDS.forEach((name, id) -> cases.add(request("path-real-others:" + name, op,
                        resources.fill(op.path().replace("{" + variable + "}", id), op.pathVariables(), "unknown_id"), plausible)));
            }
            for (String parameter : queryParameters(op)) {
                QUERY_VALUES.forEach((name, value) -> cases.add(request("query:" + name, op,
                        path + "?" + parameter + "=" + value, plausible)));
            }
            cases.add(request("query:duplicate", op, path + "?limit=1&limit=abc&cursor=a&cursor=b", plausible));
            cases.add(request("query:unknown-parameter", op, path + "?%00=%00&x%ED%A0%80=1", plausible));
            BODIES.forEach((name, body) -> cases.add(request("body:" + name, op, path, body)));
            for (String property : bodyProperties(op)) {
                PROPERTY_VALUES.forEach((name, value) -> cases.add(request("field:" + name, op, path,
                        withProperty(op, property, value))));
            }
            cases.add(new Case("http:no-content-type", op, op.method(), path, plausible, null, Map.of()));
            cases.add(new Case("http:text-plain", op, op.method(), path, plausible, "text/plain", Map.of()));
            cases.add(new Case("http:xml", op, op.method(), path, "<name>x</name>".getBytes(StandardCharsets.UTF_8), "application/xml", Map.of()));
            cases.add(new Case("http:charset-latin1", op, op.method(), path,
                    "{\"name\":\"\u00e9\"}".getBytes(StandardCharsets.ISO_8859_1), "application/json; charset=ISO-8859-1", Map.of()));
            cases.add(new Case("http:non-utf8-body", op, op.method(), path,
                    new byte[]{'{', '"', 'n', '"', ':', '"', (byte) 0xff, (byte) 0xfe, '"', '}'}, "application/json", Map.of()));
            cases.add(new Case("http:oversized-body", op, op.method(), path, OVERSIZED, "application/json", Map.of()));
            cases.add(new Case("http:1mb-string", op, op.method(), path, ONE_MB_STRING, "application/json", Map.of()));
            cases.add(new Case("http:long-url", op, op.method(), path + "?pad=" + "u".repeat(10_000), plausible, "application/json", Map.of()));
            cases.add(new Case("http:long-header", op, op.method(), path, plausible, "application/json", Map.of("X-Pad", "h".repeat(20_000))));
            cases.add(new Case("http:body-on-get", op, "GET", path, plausible, "application/json", Map.of()));
            cases.add(new Case("http:unsupported-method", op, "PATCH".equals(op.method()) ? "TRACE" : "PATCH", path, plausible, "application/json", Map.of()));
            cases.add(new Case("auth:no-key", op, op.method(), path, plausible, "application/json", Map.of("Authorization", "")));
            cases.add(new Case("auth:malformed-key", op, op.method(), path, plausible, "application/json", Map.of("Authorization", "Bearer rt_live_%00")));
        }
        List<String> queryNames = new ArrayList<>(QUERY_VALUES.keySet());
        List<String> pathNames = new ArrayList<>(PATH_IDS.keySet());
        List<String> bodyNames = new ArrayList<>(BODIES.keySet());
        List<String> valueNames = new ArrayList<>(PROPERTY_VALUES.keySet());
        while (cases.size() < atLeast) {
            OpenApiDocument.Operation op = operations.get(random.nextInt(operations.size()));
            String path = resources.fill(op.path(), op.pathVariables(), "unknown_id");
            StringBuilder label = new StringBuilder("combo");
            if (!op.pathVariables().isEmpty() && random.nextInt(3) == 0) {
                String variable = op.pathVariables().get(random.nextInt(op.pathVariables().size()));
                String name = pathNames.get(random.nextInt(pathNames.size()));
                path = resources.fill(op.path().replace("{" + variable + "}", PATH_IDS.get(name)), op.pathVariables(), "unknown_id");
                label.append(":path-").append(name);
            }
            List<String> parameters = queryParameters(op);
            StringBuilder query = new StringBuilder();
            for (int i = 0; i < 1 + random.nextInt(3); i++) {
                String parameter = parameters.get(random.nextInt(parameters.size()));
                String name = queryNames.get(random.nextInt(queryNames.size()));
                query.append(query.isEmpty() ? "?" : "&").append(parameter).append('=').append(QUERY_VALUES.get(name));
                label.append(":q-").append(parameter).append('-').append(name);
            }
            byte[] body;
            List<String> properties = bodyProperties(op);
            if (random.nextBoolean()) {
                String name = bodyNames.get(random.nextInt(bodyNames.size()));
                body = BODIES.get(name);
                label.append(":body-").append(name);
            } else {
                String property = properties.get(random.nextInt(properties.size()));
                String name = valueNames.get(random.nextInt(valueNames.size()));
                body = withProperty(op, property, PROPERTY_VALUES.get(name));
                label.append(":field-").append(property).append('-').append(name);
            }
            cases.add(request(label.toString(), op, path + query, body));
        }
        return cases;
    }

    private static Case request(String badClass, OpenApiDocument.Operation op, String pathAndQuery, byte[] body) {
        // GET and DELETE routes get the bad body too: it must be ignored or refused, never crash them
        return new Case(badClass, op, op.method(), pathAndQuery, body, "application/json", Map.of());
    }

    /** The operation's query parameters, plus the paging and time ones every list may grow. */
    private static List<String> queryParameters(OpenApiDocument.Operation op) {
        List<String> names = new ArrayList<>(op.queryParameters());
        for (String common : List.of("limit", "offset", "cursor", "from", "to")) {
            if (!names.contains(common)) {
                names.add(common);
            }
        }
        return names;
    }

    private static List<String> bodyProperties(OpenApiDocument.Operation op) {
        List<String> names = new ArrayList<>(op.bodyProperties().keySet());
        if (names.isEmpty()) {
            names.addAll(List.of("name", "type", "recordType", "metadata", "messages", "flowId", "config"));
        }
        return names;
    }

    /** An object with every documented property set to a value of its type, so validation gets past the shape. */
    private byte[] plausibleBody(OpenApiDocument.Operation op) {
        return json(plausibleFields(op)).getBytes(StandardCharsets.UTF_8);
    }

    private Map<String, String> plausibleFields(OpenApiDocument.Operation op) {
        Map<String, String> fields = new LinkedHashMap<>();
        op.bodyProperties().forEach((name, type) -> fields.put(name, switch (type) {
            case "integer", "number" -> "1";
            case "boolean" -> "true";
            case "array" -> "[]";
            case "object" -> "{}";
            default -> "\"x\"";
        }));
        return fields;
    }

    private byte[] withProperty(OpenApiDocument.Operation op, String property, String valueJson) {
        Map<String, String> fields = plausibleFields(op);
        fields.put(property, valueJson);
        return json(fields).getBytes(StandardCharsets.UTF_8);
    }

    private static String json(Map<String, String> fields) {
        StringBuilder out = new StringBuilder("{");
        fields.forEach((name, value) -> {
            if (out.length() > 1) {
                out.append(',');
            }
            out.append('"').append(name).append("\":").append(value);
        });
        return out.append('}').toString();
    }

    private static String cursor(String json) {
        return URLEncoder.encode(Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8)),
                StandardCharsets.UTF_8);
    }

    private static Map<String, String> ordered(String... pairs) {
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            map.put(pairs[i], pairs[i + 1]);
        }
        return map;
    }

    private static Map<String, byte[]> orderedBytes(String... pairs) {
        Map<String, byte[]> map = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            map.put(pairs[i], pairs[i + 1].getBytes(StandardCharsets.UTF_8));
        }
        return map;
    }
}
