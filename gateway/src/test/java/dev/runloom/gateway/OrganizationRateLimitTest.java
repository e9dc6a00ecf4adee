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
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static dev.runloom.gateway.GatewayHttp.bearer;
import static org.assertj.core.api.Assertions.assertThat;

/** The organization's budget is shared by all its keys; another organization's is its own. */
@ServiceTest("gateway")
class OrganizationRateLimitTest implements TestPropertyProvider {
    static final String KEY_1 = ApiKeys.generate();
    static final String KEY_2 = ApiKeys.generate();
    static final String OTHER_ORG = ApiKeys.generate();
    static final int PER_ORG = 4;

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
        p.put("runloom.gateway.api-keys[0].key", KEY_1);
        p.put("runloom.gateway.api-keys[0].organization-id", "org_busy");
        p.put("runloom.gateway.api-keys[1].key", KEY_2);
        p.put("runloom.gateway.api-keys[1].organization-id", "org_busy");
        p.put("runloom.gateway.api-keys[2].key", OTHER_ORG);
        p.put("runloom.gateway.api-keys[2].organization-id", "org_calm");
        p.put("runloom.gateway.rate-limit.per-key-per-minute", "100");
        p.put("runloom.gateway.rate-limit.per-organization-per-minute", Integer.toString(PER_ORG));
        return p;
    }

    @AfterAll
    void stopFakes() {
        services.close();
    }

    @Test
    void keysOfOneOrganizationShareItsBudget() throws Exception {
        GatewayHttp http = new GatewayHttp(json);
        for (int i = 0; i < PER_ORG; i++) {
            String key = i % 2 == 0 ? KEY_1 : KEY_2;
            assertThat(http.send(server.getPort(), "GET", "/v1/records", null, "Authorization", bearer(key)).statusCode())
                    .isEqualTo(200);
        }
        HttpResponse<String> limited = http.send(server.getPort(), "GET", "/v1/records", null, "Authorization", bearer(KEY_1));
        http.problem(limited, 429, "rate_limited");
        assertThat(limited.headers().firstValue("RateLimit-Policy")).hasValue("\"per-organization\";q=" + PER_ORG + ";w=60");
        http.problem(http.send(server.getPort(), "GET", "/v1/records", null, "Authorization", bearer(KEY_2)), 429, "rate_limited");
        assertThat(http.send(server.getPort(), "GET", "/v1/records", null, "Authorization", bearer(OTHER_ORG)).statusCode())
                .isEqualTo(200);
    }
}
