package dev.runloom.gateway;

import dev.runloom.gateway.auth.ApiKeys;
import dev.runloom.testsupport.ServiceTest;
import io.micronaut.json.JsonMapper;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static dev.runloom.gateway.GatewayHttp.bearer;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * API keys managed through the API (/v1/api-keys): created, shown once, listed, scoped, updated,
 * regenerated with an overlap, revoked — and the admin path that creates organizations. Real
 * gateway, real PostgreSQL, fake services behind it.
 */
@ServiceTest("gateway")
class ApiKeysApiTest implements TestPropertyProvider {
    static final String ROOT_A = ApiKeys.generate();
    static final String ROOT_B = ApiKeys.generate();
    static final String ADMIN = ApiKeys.generate();

    private final FakeServices services = new FakeServices("records", "flows", "schedules", "agents");

    @Inject EmbeddedServer server;
    @Inject JsonMapper json;
    GatewayHttp http;

    @Override
    public Map<String, String> getProperties() {
        Map<String, String> p = new HashMap<>();
        p.put("micronaut.server.port", "-1");
        p.put("runloom.gateway.rate-limit.failed-auth-per-address-per-minute", "100000");
        for (String s : List.of("records", "flows", "schedules", "agents")) {
            p.put("runloom.services." + s + "-url", services.url(s));
        }
        p.put("runloom.gateway.api-keys[0].key", ROOT_A);
        p.put("runloom.gateway.api-keys[0].organization-id", "org_a");
        p.put("runloom.gateway.api-keys[1].key", ROOT_B);
        p.put("runloom.gateway.api-keys[1].organization-id", "org_b");
        p.put("runloom.gateway.admin-key", ADMIN);
        return p;
    }

    @AfterAll
    void stopFakes() {
        services.close();
    }

    private HttpResponse<String> call(String key, String method, String path, String body) throws Exception {
        if (http == null) {
            http = new GatewayHttp(json);
        }
        return http.send(server.getPort(), method, path, body, "Authorization", bearer(key));
    }

    private Map<String, Object> create(String key, String body) throws Exception {
        return http().body(call(key, "POST", "/v1/api-keys", body), 201);
    }

    private GatewayHttp http() {
        if (http == null) {
            http = new GatewayHttp(json);
        }
        return http;
    }

    @Test
    void createdKeyIsShownOnceWorksAndIsListedWithoutTheSecret() throws Exception {
        Map<String, Object> created = create(ROOT_A, "{\"name\":\"ci\",\"scopes\":[\"records:read\"],\"environment\":\"test\"}");
        String key = (String) created.get("key");
        assertThat(key).matches("rt_test_[A-Za-z0-9_-]{43}");
        assertThat(created).containsEntry("name", "ci").containsEntry("environment", "test")
                .containsEntry("scopes", List.of("RECORDS:READ")).containsEntry("prefix", key.substring(0, 16));
        assertThat(created.get("id")).asString().startsWith("key_");

        assertThat(call(key, "GET", "/v1/records", null).statusCode()).isEqualTo(200);
        String id = (String) created.get("id");
        Map<String, Object> fetched = http().body(call(ROOT_A, "GET", "/v1/api-keys/" + id, null), 200);
        assertThat(fetched.get("key")).isNull();
        assertThat(fetched.get("lastUsedAt")).as("the use just made is recorded").isNotNull();
        HttpResponse<String> list = call(ROOT_A, "GET", "/v1/api-keys", null);
        assertThat(list.body()).contains(id).doesNotContain(key);
        // another organization sees none of it
        http().problem(call(ROOT_B, "GET", "/v1/api-keys/" + id, null), 404, "not_found");
        assertThat(call(ROOT_B, "GET", "/v1/api-keys", null).body()).doesNotContain(id);
        http().problem(call(ROOT_B, "DELETE", "/v1/api-keys/" + id, null), 404, "not_found");
        http().problem(call(ROOT_B, "POST", "/v1/api-keys/" + id + "/regenerate", null), 404, "not_found");
    }

    @Test
    void scopesAreEnforcedOnEveryRoute() throws Exception {
        String reader = (String) create(ROOT_A, "{\"name\":\"reader\",\"scopes\":[\"RECORDS:READ\",\"FLOWS:*\"]}").get("key");
        assertThat(call(reader, "GET", "/v1/records/rec_1", null).statusCode()).isEqualTo(200);
        http().problem(call(reader, "POST", "/v1/records", "{}"), 403, "insufficient_scope");
        http().problem(call(reader, "DELETE", "/v1/records/rec_1", null), 403, "insufficient_scope");
        assertThat(call(reader, "POST", "/v1/flows/f/run-on-record-type", "{}").statusCode()).isEqualTo(200);
        http().problem(call(reader, "GET", "/v1/schedules", null), 403, "insufficient_scope");
        http().problem(call(reader, "POST", "/v1/agents/a/execute", "{}"), 403, "insufficient_scope");
        http().problem(call(reader, "GET", "/v1/api-keys", null), 403, "insufficient_scope");

        String executor = (String) create(ROOT_A, "{\"name\":\"exec\",\"scopes\":[\"AGENTS:EXECUTE\"]}").get("key");
        assertThat(call(executor, "POST", "/v1/agents/a/execute", "{}").statusCode()).isEqualTo(200);
        http().problem(call(executor, "POST", "/v1/agents", "{}"), 403, "insufficient_scope");
        http().problem(call(executor, "GET", "/v1/agents/a", null), 403, "insufficient_scope");

        // a key cannot mint a key more powerful than itself
        String keyAdmin = (String) create(ROOT_A, "{\"name\":\"keys\",\"scopes\":[\"API_KEYS:*\",\"RECORDS:READ\"]}").get("key");
        http().problem(call(keyAdmin, "POST", "/v1/api-keys", "{\"name\":\"x\",\"scopes\":[\"*\"]}"), 403, "insufficient_scope");
        http().problem(call(keyAdmin, "POST", "/v1/api-keys", "{\"name\":\"x\"}"), 403, "insufficient_scope");
        assertThat(call(keyAdmin, "POST", "/v1/api-keys", "{\"name\":\"x\",\"scopes\":[\"RECORDS:READ\"]}").statusCode()).isEqualTo(201);
    }

    @Test
    void badKeyRequestsAreProblems() throws Exception {
        http().problem(call(ROOT_A, "POST", "/v1/api-keys", "{}"), 400, "validation_failed");
        http().problem(call(ROOT_A, "POST", "/v1/api-keys", "{\"name\":\"x\",\"scopes\":[\"NOPE:READ\"]}"), 400, "validation_failed");
        http().problem(call(ROOT_A, "POST", "/v1/api-keys", "{\"name\":\"x\",\"environment\":\"prod\"}"), 400, "validation_failed");
        http().problem(call(ROOT_A, "POST", "/v1/api-keys", "{\"name\":\"x\",\"expiresAt\":\"2001-01-01T00:00:00Z\"}"), 400, "validation_failed");
        http().problem(call(ROOT_A, "GET", "/v1/api-keys/key_nope", null), 404, "not_found");
        String id = (String) create(ROOT_A, "{\"name\":\"r\"}").get("id");
        http().problem(call(ROOT_A, "POST", "/v1/api-keys/" + id + "/regenerate", "{\"overlapSeconds\":-1}"), 400, "validation_failed");
    }

    @Test
    void regenerateKeepsTheOldKeyDuringTheOverlapOnly() throws Exception {
        Map<String, Object> created = create(ROOT_A, "{\"name\":\"rotating\"}");
        String id = (String) created.get("id");
        String old = (String) created.get("key");

        Map<String, Object> rotated = http().body(call(ROOT_A, "POST", "/v1/api-keys/" + id + "/regenerate", "{\"overlapSeconds\":600}"), 200);
        String fresh = (String) rotated.get("key");
        assertThat(fresh).isNotEqualTo(old).startsWith("rt_live_");
        assertThat(rotated).containsEntry("id", id);
        assertThat(Instant.parse((String) rotated.get("previousKeyExpiresAt"))).isAfter(Instant.now().plusSeconds(500));
        assertThat(call(fresh, "GET", "/v1/records", null).statusCode()).isEqualTo(200);
        assertThat(call(old, "GET", "/v1/records", null).statusCode()).as("old key within the overlap").isEqualTo(200);

        String newest = (String) http().body(call(ROOT_A, "POST", "/v1/api-keys/" + id + "/regenerate", "{\"overlapSeconds\":0}"), 200).get("key");
        assertThat(call(newest, "GET", "/v1/records", null).statusCode()).isEqualTo(200);
        http().problem(call(fresh, "GET", "/v1/records", null), 401, "invalid_api_key");
        http().problem(call(old, "GET", "/v1/records", null), 401, "invalid_api_key");
    }

    @Test
    void updateRenamesAndRescopesAndDeleteRevokes() throws Exception {
        Map<String, Object> created = create(ROOT_A, "{\"name\":\"temp\"}");
        String id = (String) created.get("id");
        String key = (String) created.get("key");
        Map<String, Object> updated = http().body(call(ROOT_A, "PATCH", "/v1/api-keys/" + id,
                "{\"name\":\"renamed\",\"scopes\":[\"SCHEDULES:READ\"]}"), 200);
        assertThat(updated).containsEntry("name", "renamed").containsEntry("scopes", List.of("SCHEDULES:READ"));
        http().problem(call(key, "GET", "/v1/records", null), 403, "insufficient_scope");
        assertThat(call(key, "GET", "/v1/schedules", null).statusCode()).isEqualTo(200);

        Map<String, Object> deleted = http().body(call(ROOT_A, "DELETE", "/v1/api-keys/" + id, null), 200);
        assertThat(deleted.get("revokedAt")).isNotNull();
        http().problem(call(key, "GET", "/v1/schedules", null), 401, "invalid_api_key");
    }

    @Test
    void expiredKeyIsRefused() throws Exception {
        Map<String, Object> created = create(ROOT_A, "{\"name\":\"short\",\"expiresAt\":\"" + Instant.now().plusMillis(1500) + "\"}");
        String key = (String) created.get("key");
        assertThat(call(key, "GET", "/v1/records", null).statusCode()).isEqualTo(200);
        Thread.sleep(1600);
        http().problem(call(key, "GET", "/v1/records", null), 401, "invalid_api_key");
    }

    @Test
    void malformedKeysAreRefusedUnread() throws Exception {
        for (String bad : List.of("rt_live_short", "sk_live_" + "a".repeat(43), "rt_live_" + "a".repeat(40) + "\u00e9", "x")) {
            http().problem(call(bad, "GET", "/v1/records", null), 401, "invalid_api_key");
        }
    }

    @Test
    void adminKeyCreatesOrganizationsAndNothingElseCan() throws Exception {
        HttpResponse<String> response = call(ADMIN, "POST", "/v1/admin/organizations", "{\"name\":\"Acme\"}");
        Map<String, Object> org = http().body(response, 201);
        assertThat(org.get("id")).asString().startsWith("org_");
        @SuppressWarnings("unchecked")
        String firstKey = (String) ((Map<String, Object>) org.get("apiKey")).get("key");
        assertThat(call(firstKey, "GET", "/v1/records", null).statusCode()).isEqualTo(200);
        assertThat(call(firstKey, "GET", "/v1/api-keys", null).body()).contains("first key of Acme");
        // an organization's key, even with every scope, is no admin key; the admin key is no org key
        http().problem(call(ROOT_A, "POST", "/v1/admin/organizations", "{\"name\":\"Evil\"}"), 401, "invalid_api_key");
        http().problem(call(ADMIN, "GET", "/v1/records", null), 401, "invalid_api_key");
        http().problem(call(ADMIN, "POST", "/v1/admin/organizations", "{}"), 400, "validation_failed");
    }
}
