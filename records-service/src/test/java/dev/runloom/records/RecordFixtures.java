package dev.runloom.records;

import dev.runloom.common.tenant.Tenant;
import dev.runloom.testsupport.ApiClient;
import dev.runloom.testsupport.ApiClient.Reply;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Records created through the API, for tests that need some to exist. */
final class RecordFixtures {
    private RecordFixtures() {
    }

    /** Creates a record and returns its JSON. */
    static Map<String, Object> createRecord(ApiClient<Tenant> api, Tenant tenant, String type, String name,
                                            Map<String, Object> metadata) {
        Reply reply = api.post("/v1/records", Map.of("type", type, "name", name, "metadata", metadata), tenant);
        assertThat(reply.status()).as(reply.raw()).isEqualTo(201);
        return reply.body();
    }

    /** A query parameter value, URL-encoded. */
    static String q(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    /** A one-condition chip filter, URL-encoded for {@code ?filter=}. */
    static String where(ApiClient<Tenant> api, String field, String op, Object value) {
        java.util.Map<String, Object> condition = new java.util.LinkedHashMap<>();
        condition.put("field", field);
        condition.put("op", op);
        condition.put("value", value);
        return q(api.toJson(Map.of("where", java.util.List.of(condition))));
    }
}
