package dev.runloom.schedules;

import dev.runloom.common.tenant.InternalTokens;
import dev.runloom.common.tenant.Tenant;
import dev.runloom.testsupport.ApiClient;
import dev.runloom.testsupport.MicronautTestInfra;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.json.JsonMapper;
import io.micronaut.test.support.TestPropertyProvider;
import io.micronaut.transaction.TransactionOperations;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

import java.sql.Connection;
import java.util.Map;
import java.util.Set;

/**
 * What every schedules-service test class (each a {@code @MicronautTest}) starts from: the service on
 * its own database and topic prefix, configured as the class needs, and a client calling it as a tenant.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class SchedulesServiceTestBase implements TestPropertyProvider {
    static final Tenant ORG_A = new Tenant("org_a", "user_a", Set.of("*"));
    static final Tenant ORG_B = new Tenant("org_b", "user_b", Set.of("*"));

    @Inject @Client("/") HttpClient client;
    @Inject InternalTokens tokens;
    @Inject JsonMapper json;
    @Inject TransactionOperations<Connection> transactions;

    ApiClient<Tenant> api;

    @Override
    public Map<String, String> getProperties() {
        Map<String, String> properties = MicronautTestInfra.serviceProperties("schedules");
        properties.putAll(extraProperties());
        return properties;
    }

    /** What a test class adds to, or changes in, the service's configuration. */
    abstract Map<String, String> extraProperties();

    @BeforeAll
    void createApiClient() {
        api = new ApiClient<>(client, json, InternalTokens.HEADER, tokens::sign);
    }
}
