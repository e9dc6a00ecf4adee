package dev.runloom.flows;

import dev.runloom.kernel.events.Topics;
import dev.runloom.common.tenant.InternalTokens;
import dev.runloom.common.tenant.Tenant;
import dev.runloom.testsupport.ApiClient;
import dev.runloom.testsupport.ApiClient.Reply;
import dev.runloom.testsupport.MicronautTestInfra;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.json.JsonMapper;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What every flows-service test class (each a {@code @MicronautTest}) starts from: the service on its
 * own database and topic prefix, a {@link FakeRecordsService} it reads records from, and a client
 * calling it as a tenant. Classes that check the published events start an {@link EventCollector}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class FlowsServiceTestBase implements TestPropertyProvider {
    static final Tenant ORG_A = new Tenant("org_a", "user_a", Set.of("*"));
    static final Tenant ORG_B = new Tenant("org_b", "user_b", Set.of("*"));

    final FakeRecordsService records = new FakeRecordsService();
    /** The service's configuration: database, Kafka bootstrap servers, topic prefix. */
    Map<String, String> properties;

    @Inject
    @Client("/")
    HttpClient client;
    @Inject
    InternalTokens tokens;
    @Inject
    JsonMapper json;
    ApiClient<Tenant> api;
    /** The execution and batch events published since {@link #collectEvents()}; null before. */
    EventCollector events;

    @Override
    public Map<String, String> getProperties() {
        properties = MicronautTestInfra.serviceProperties("flows");
        properties.put("runloom.services.records-url", records.url());
        return properties;
    }

    @BeforeAll
    void createApiClient() {
        api = new ApiClient<>(client, json, InternalTokens.HEADER, tokens::sign);
    }

    /** Creates a flow of {@link #ORG_A} and returns its id. */
    String createFlow(String name, List<Map<String, Object>> steps) {
        Reply created = api.post("/v1/flows", Map.of("name", name, "flowSteps", steps), ORG_A);
        assertThat(created.status()).as(created.raw()).isEqualTo(201);
        return (String) created.body().get("id");
    }

    /** Starts reading the flow execution and batch topics from their beginnings, in the background. */
    void collectEvents() {
        String prefix = properties.get("runloom.kafka.topic-prefix");
        events = new EventCollector(properties.get("kafka.bootstrap.servers"),
                List.of(prefix + Topics.FLOW_EXECUTIONS, prefix + Topics.FLOW_BATCHES), json);
    }

    @AfterAll
    void stopCollectorAndFake() throws InterruptedException {
        if (events != null) {
            events.close();
        }
        records.close();
    }
}
