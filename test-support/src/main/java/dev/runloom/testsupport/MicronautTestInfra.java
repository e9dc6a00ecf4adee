package dev.runloom.testsupport;

import java.util.HashMap;
import java.util.Map;

/**
 * The configuration a service's {@code @MicronautTest} needs to reach the shared test servers,
 * typically returned from {@code TestPropertyProvider#getProperties()}:
 *
 * <pre>{@code
 * @MicronautTest
 * @TestInstance(TestInstance.Lifecycle.PER_CLASS)
 * class RecordsApiTest implements TestPropertyProvider {
 *     @Override public Map<String, String> getProperties() {
 *         return MicronautTestInfra.serviceProperties("records");
 *     }
 * }
 * }</pre>
 *
 * Every call gets its own database and topic prefix, so test classes never see each other's data.
 */
public final class MicronautTestInfra {

    /** Shared by every service under test, so calls between them authenticate. 44 characters. */
    public static final String TEST_INTERNAL_SECRET = "runloom-test-internal-secret-0123456789abcdef";

    private MicronautTestInfra() {
    }

    /** A mutable map: add or override entries before handing it to Micronaut. */
    public static Map<String, String> serviceProperties(String serviceName) {
        TestInfrastructure infra = TestInfrastructure.get();
        Map<String, String> p = new HashMap<>();
        p.put("datasources.default.url", infra.newDatabase(serviceName));
        p.put("datasources.default.username", infra.dbUser());
        p.put("datasources.default.password", infra.dbPassword());
        p.put("datasources.default.driver-class-name", "org.postgresql.Driver");
        p.put("datasources.default.dialect", "POSTGRES"); // Micronaut Data would otherwise assume ANSI SQL
        p.put("kafka.bootstrap.servers", infra.kafkaBootstrapServers());
        p.put("runloom.kafka.topic-prefix", infra.uniqueTopicPrefix());
        p.put("runloom.internal.secret", TEST_INTERNAL_SECRET);
        // a free port per test context: test JVMs running side by side never fight over 8081-8084
        p.put("micronaut.server.port", "-1");
        return p;
    }
}
