package dev.runloom.testsupport;

import dev.runloom.common.tenant.InternalTokens;
import dev.runloom.common.tenant.Tenant;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Property;
import io.micronaut.context.annotation.Requires;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.json.JsonMapper;
import jakarta.inject.Singleton;

/** The beans a {@link ServiceTest} injects. */
@Factory
class ServiceTestBeans {

    /** Calls the service under test as the gateway does: a fresh internal token per request. */
    @Singleton
    @Requires(beans = InternalTokens.class)
    ApiClient<Tenant> apiClient(@Client("/") HttpClient client, JsonMapper json, InternalTokens tokens) {
        return new ApiClient<>(client, json, InternalTokens.HEADER, tokens::sign);
    }

    @Singleton
    @Requires(property = "kafka.bootstrap.servers")
    ServiceTestEnvironment environment(@Property(name = "datasources.default.url") String jdbcUrl,
                                       @Property(name = "kafka.bootstrap.servers") String kafka,
                                       @Property(name = "runloom.kafka.topic-prefix", defaultValue = "") String prefix) {
        return new ServiceTestEnvironment(jdbcUrl, kafka, prefix);
    }
}
