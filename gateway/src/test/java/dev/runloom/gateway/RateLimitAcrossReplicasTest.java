package dev.runloom.gateway;

import dev.runloom.gateway.auth.ApiKeys;
import dev.runloom.testsupport.ServiceTest;
import io.micronaut.context.ApplicationContext;
import io.micronaut.context.env.Environment;
import io.micronaut.json.JsonMapper;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static dev.runloom.gateway.GatewayHttp.bearer;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Rate limits hold across gateway replicas: two gateways (two Micronaut contexts, one database)
 * share each key's budget, answer 429 with Retry-After and the IETF RateLimit headers, and throttle
 * failed authentication per client address.
 */
@ServiceTest("gateway")
@org.junit.jupiter.api.TestMethodOrder(org.junit.jupiter.api.MethodOrderer.OrderAnnotation.class)
class RateLimitAcrossReplicasTest implements TestPropertyProvider {
    static final String KEY = ApiKeys.generate();
    static final String OTHER_KEY = ApiKeys.generate();
    static final int PER_KEY = 6;
    static final int FAILED_AUTH = 4;
    private static final List<String> SHARED = List.of("datasources.default.url", "datasources.default.username",
            "datasources.default.password", "datasources.default.driver-class-name", "datasources.default.dialect",
            "runloom.internal.secret");

    private final FakeServices services = new FakeServices("records", "flows", "schedules", "agents");

    @Inject EmbeddedServer server;
    @Inject JsonMapper json;
    @Inject Environment environment;

    @Override
    public Map<String, String> getProperties() {
        Map<String, String> p = new HashMap<>();
        p.put("micronaut.server.port", "-1");
        for (String s : List.of("records", "flows", "schedules", "agents")) {
            p.put("runloom.services." + s + "-url", services.url(s));
        }
        p.put("runloom.gateway.api-keys[0].key", KEY);
        p.put("runloom.gateway.api-keys[0].organization-id", "org_limited");
        p.put("runloom.gateway.api-keys[1].key", OTHER_KEY);
        p.put("runloom.gateway.api-keys[1].organization-id", "org_other");
        p.put("runloom.gateway.rate-limit.per-key-per-minute", Integer.toString(PER_KEY));
        p.put("runloom.gateway.rate-limit.per-organization-per-minute", "1000");
        p.put("runloom.gateway.rate-limit.failed-auth-per-address-per-minute", Integer.toString(FAILED_AUTH));
        return p;
    }

    @AfterAll
    void stopFakes() {
        services.close();
    }

    @Test
    @org.junit.jupiter.api.Order(1)
    void twoGatewaysShareOneBudgetPerKey() throws Exception {
        Map<String, Object> props = new HashMap<>(getProperties());
        for (String name : SHARED) {
            props.put(name, environment.getRequiredProperty(name, String.class));
        }
        GatewayHttp http = new GatewayHttp(json);
        try (EmbeddedServer second = ApplicationContext.run(EmbeddedServer.class, props)) {
            int[] ports = {server.getPort(), second.getPort()};
            int ok = 0;
            List<String> answers = new java.util.ArrayList<>();
            HttpResponse<String> last = null;
            for (int i = 0; i < PER_KEY; i++) { // alternate gateways: each sees only half the traffic
                last = http.send(ports[i % 2], "GET", "/v1/records", null, "Authorization", bearer(KEY));
                answers.add(last.statusCode() + " " + last.body());
                if (last.statusCode() == 200) {
                    ok++;
                }
            }
            assertThat(ok).as(answers.toString()).isEqualTo(PER_KEY);
            assertThat(last.headers().firstValue("RateLimit-Policy")).hasValue("\"per-key\";q=" + PER_KEY + ";w=60");
            assertThat(last.headers().firstValue("RateLimit")).get().asString().startsWith("\"per-key\";r=0;t=");
            for (int port : ports) {
                HttpResponse<String> limited = http.send(port, "GET", "/v1/records", null, "Authorization", bearer(KEY));
                Map<String, Object> problem = http.problem(limited, 429, "rate_limited");
                assertThat(problem).containsEntry("retryable", true);
                assertThat(Long.parseLong(limited.headers().firstValue("Retry-After").orElseThrow())).isBetween(1L, 60L);
                assertThat(limited.headers().firstValue("RateLimit")).get().asString().startsWith("\"per-key\";r=0;t=");
            }
            // another key of another organization is unaffected
            assertThat(http.send(second.getPort(), "GET", "/v1/records", null, "Authorization", bearer(OTHER_KEY))
                    .statusCode()).isEqualTo(200);
        }
    }

    /** Runs last: once 127.0.0.1 is over budget, only keys already cached as good get through. */
    @Test
    @org.junit.jupiter.api.Order(2)
    void failedAuthenticationIsThrottledPerAddress() throws Exception {
        GatewayHttp http = new GatewayHttp(json);
        assertThat(http.send(server.getPort(), "GET", "/v1/records", null, "Authorization", bearer(OTHER_KEY))
                .statusCode()).isEqualTo(200);
        for (int i = 0; i < FAILED_AUTH; i++) {
            http.problem(http.send(server.getPort(), "GET", "/v1/records", null, "Authorization",
                    bearer(ApiKeys.generate())), 401, "invalid_api_key");
        }
        HttpResponse<String> throttled = http.send(server.getPort(), "GET", "/v1/records", null, "Authorization",
                bearer(ApiKeys.generate()));
        http.problem(throttled, 429, "rate_limited");
        assertThat(throttled.headers().firstValue("Retry-After")).isPresent();
        assertThat(throttled.headers().firstValue("RateLimit-Policy")).hasValue("\"failed-auth\";q=" + FAILED_AUTH + ";w=60");
        // a key this gateway knows to be good still works from that address
        assertThat(http.send(server.getPort(), "GET", "/v1/records", null, "Authorization", bearer(OTHER_KEY))
                .statusCode()).isEqualTo(200);
    }
}
