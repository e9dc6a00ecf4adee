package dev.runloom.agents;

import dev.runloom.common.tenant.InternalTokens;
import dev.runloom.common.tenant.Tenant;
import dev.runloom.testsupport.ApiClient;
import dev.runloom.testsupport.MicronautTestInfra;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.json.JsonMapper;
import io.micronaut.json.tree.JsonNode;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What every agents-service test class (each a {@code @MicronautTest}) starts from: the service on
 * its own database and topic prefix, and a client calling it as a tenant.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class AgentsServiceTestBase implements TestPropertyProvider {

    @Inject @Client("/") HttpClient client;
    @Inject InternalTokens tokens;
    @Inject JsonMapper json;

    ApiClient<Tenant> api;

    @Override
    public Map<String, String> getProperties() {
        return MicronautTestInfra.serviceProperties("agents");
    }

    @BeforeAll
    void createApiClient() {
        api = new ApiClient<>(client, json, InternalTokens.HEADER, tokens::sign);
    }

    /** A tenant of its own organization, user "user_" + organization. */
    static Tenant tenant(String organizationId) {
        return new Tenant(organizationId, "user_" + organizationId, Set.of("*"));
    }

    /** The field names of a JSON object, in order. */
    static List<String> keys(JsonNode object) {
        List<String> keys = new ArrayList<>();
        object.entries().forEach(e -> keys.add(e.getKey()));
        return keys;
    }
}
