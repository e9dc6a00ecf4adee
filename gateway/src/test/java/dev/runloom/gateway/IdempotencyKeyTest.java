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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import static dev.runloom.gateway.GatewayHttp.bearer;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code Idempotency-Key} at the gateway: a retry gets the first answer without reaching the service
 * again; another body under the same key is 422; a concurrent duplicate is 409; non-final answers
 * are not kept; keys are per organization.
 */
@ServiceTest("gateway")
class IdempotencyKeyTest implements TestPropertyProvider {
    static final String KEY_A = ApiKeys.generate();
    static final String KEY_B = ApiKeys.generate();

    private final FakeServices services = new FakeServices("records", "flows", "schedules", "agents");

    @Inject EmbeddedServer server;
    @Inject JsonMapper json;

    @Override
    public Map<String, String> getProperties() {
        Map<String, String> p = new HashMap<>();
        p.put("micronaut.server.port", "-1");
        for (String s : List.of("records", "flows", "schedules", "agents")) {
            p.put("runloom.services." + s + "-url", services.url(s));
        }
        p.put("runloom.gateway.api-keys[0].key", KEY_A);
        p.put("runloom.gateway.api-keys[0].organization-id", "org_a");
        p.put("runloom.gateway.api-keys[1].key", KEY_B);
        p.put("runloom.gateway.api-keys[1].organization-id", "org_b");
        return p;
    }

    @AfterAll
    void stopFakes() {
        services.close();
    }

    private HttpResponse<String> post(String key, String path, String body, String idempotencyKey) throws Exception {
        return new GatewayHttp(json).send(server.getPort(), "POST", path, body, "Authorization", bearer(key),
                "Idempotency-Key", idempotencyKey);
    }

    @Test
    void retryReturnsTheFirstAnswerWithoutDoingTheWorkTwice() throws Exception {
        String idem = UUID.randomUUID().toString();
        HttpResponse<String> first = post(KEY_A, "/v1/records", "{\"type\":\"lead\",\"name\":\"A\"}", idem);
        assertThat(first.statusCode()).isEqualTo(200);
        int handled = services.handled();
        HttpResponse<String> retry = post(KEY_A, "/v1/records", "{\"type\":\"lead\",\"name\":\"A\"}", idem);
        assertThat(retry.statusCode()).isEqualTo(200);
        assertThat(retry.body()).isEqualTo(first.body());
        assertThat(retry.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(retry.headers().firstValue("Idempotent-Replayed")).hasValue("true");
        assertThat(services.handled()).as("the retry never reached the service").isEqualTo(handled);

        // problems are final answers too: replayed with their status
        String conflictKey = UUID.randomUUID().toString();
        HttpResponse<String> conflict = post(KEY_A, "/v1/records/conflict", "{}", conflictKey);
        assertThat(conflict.statusCode()).isEqualTo(409);
        HttpResponse<String> again = post(KEY_A, "/v1/records/conflict", "{}", conflictKey);
        assertThat(again.statusCode()).isEqualTo(409);
        assertThat(again.body()).isEqualTo(conflict.body());
        assertThat(again.headers().firstValue("Content-Type")).get().asString().startsWith("application/problem+json");

        // without the header every request executes
        int before = services.handled();
        post(KEY_A, "/v1/flows", "{}", UUID.randomUUID().toString());
        new GatewayHttp(json).send(server.getPort(), "POST", "/v1/flows", "{}", "Authorization", bearer(KEY_A));
        new GatewayHttp(json).send(server.getPort(), "POST", "/v1/flows", "{}", "Authorization", bearer(KEY_A));
        assertThat(services.handled()).isEqualTo(before + 3);
    }

    @Test
    void sameKeyWithAnotherRequestIs422() throws Exception {
        String idem = UUID.randomUUID().toString();
        assertThat(post(KEY_A, "/v1/agents", "{\"name\":\"one\"}", idem).statusCode()).isEqualTo(200);
        new GatewayHttp(json).problem(post(KEY_A, "/v1/agents", "{\"name\":\"two\"}", idem), 422, "idempotency_key_reused");
        new GatewayHttp(json).problem(post(KEY_A, "/v1/schedules", "{\"name\":\"one\"}", idem), 422, "idempotency_key_reused");
    }

    @Test
    void keysBelongToTheirOrganization() throws Exception {
        String idem = UUID.randomUUID().toString();
        HttpResponse<String> a = post(KEY_A, "/v1/records", "{}", idem);
        HttpResponse<String> b = post(KEY_B, "/v1/records", "{}", idem);
        assertThat(b.statusCode()).isEqualTo(200);
        assertThat(b.headers().firstValue("Idempotent-Replayed")).isEmpty();
        assertThat(b.body()).isNotEqualTo(a.body()).contains("org_b");
    }

    @Test
    void concurrentDuplicateGets409() throws Exception {
        String idem = UUID.randomUUID().toString();
        List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
        calls.add(CompletableFuture.supplyAsync(() -> unchecked(() -> post(KEY_A, "/v1/schedules/s1/slow", "{}", idem))));
        Thread.sleep(400);
        calls.add(CompletableFuture.supplyAsync(() -> unchecked(() -> post(KEY_A, "/v1/schedules/s1/slow", "{}", idem))));
        List<Integer> statuses = calls.stream().map(CompletableFuture::join).map(HttpResponse::statusCode).sorted().toList();
        assertThat(statuses).containsExactly(200, 409);
        // and once done, the retry is a replay
        assertThat(post(KEY_A, "/v1/schedules/s1/slow", "{}", idem).headers().firstValue("Idempotent-Replayed")).hasValue("true");
    }

    @Test
    void nonFinalAnswersAreNotKeptAndBadKeysAreRefused() throws Exception {
        String idem = UUID.randomUUID().toString();
        int before = services.handled();
        assertThat(post(KEY_A, "/v1/flows/f/unavailable", "{}", idem).statusCode()).isEqualTo(503);
        assertThat(post(KEY_A, "/v1/flows/f/unavailable", "{}", idem).statusCode()).isEqualTo(503);
        assertThat(services.handled()).as("a 503 is retried for real").isEqualTo(before + 2);
        new GatewayHttp(json).problem(post(KEY_A, "/v1/records", "{}", "x".repeat(256)), 400, "invalid_idempotency_key");
        new GatewayHttp(json).problem(post(KEY_A, "/v1/records", "{}", "has space"), 400, "invalid_idempotency_key");
    }

    private interface Call {
        HttpResponse<String> run() throws Exception;
    }

    private static HttpResponse<String> unchecked(Call call) {
        try {
            return call.run();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
