package dev.runloom.records;

import dev.runloom.kernel.events.Topics;
import dev.runloom.common.tenant.InternalTokens;
import dev.runloom.common.tenant.Tenant;
import dev.runloom.testsupport.ApiClient;
import dev.runloom.testsupport.ApiClient.Reply;
import dev.runloom.testsupport.KafkaTestTopics;
import dev.runloom.testsupport.MicronautTestInfra;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.json.JsonMapper;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What every records-service test class (each a {@code @MicronautTest}) starts from: the service on
 * its own database and topic prefix, a client calling it as a tenant, and direct access to its topics.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class RecordsServiceTestBase implements TestPropertyProvider {
    static final Tenant ORG_A = new Tenant("org_a", "user_a", Set.of("*"));
    static final Tenant ORG_B = new Tenant("org_b", "user_b", Set.of("*"));

    @Inject @Client("/") HttpClient client;
    @Inject InternalTokens tokens;
    @Inject JsonMapper json;
    @Inject Topics topics;
    @Inject KafkaTestTopics kafka;

    ApiClient<Tenant> api;

    @Override
    public Map<String, String> getProperties() {
        return MicronautTestInfra.serviceProperties("records");
    }

    @BeforeAll
    void createApiClient() {
        api = new ApiClient<>(client, json, InternalTokens.HEADER, tokens::sign);
    }

    /** Creates a record and returns its JSON. */
    Map<String, Object> createRecord(Tenant tenant, String type, String name, Map<String, Object> metadata) {
        Reply reply = api.post("/v1/records", Map.of("type", type, "name", name, "metadata", metadata), tenant);
        assertThat(reply.status()).as(reply.raw()).isEqualTo(201);
        return reply.body();
    }
}
