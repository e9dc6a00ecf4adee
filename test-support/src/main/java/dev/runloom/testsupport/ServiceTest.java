package dev.runloom.testsupport;

import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import org.junit.jupiter.api.TestInstance;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The one way a service's tests start it: the service's application context and HTTP server on a
 * database and a topic prefix of this test class's own (on the JVM's shared PostgreSQL and Kafka,
 * see {@link TestInfrastructure}), with beans to inject:
 * <ul>
 *   <li>{@code ApiClient<Tenant> api}: calls the service as the gateway would, as a tenant;</li>
 *   <li>{@link TestTenants#ORG_A} and {@link TestTenants#ORG_B}: two organizations;</li>
 *   <li>{@link ServiceTestEnvironment}: the class's database, broker and topic prefix;</li>
 *   <li>{@link KafkaTestTopics}: the broker, read and written as another service would.</li>
 * </ul>
 *
 * <pre>{@code
 * @ServiceTest("records")
 * class RecordsApiTest {
 *     @Inject ApiClient<Tenant> api;
 *
 *     @Test void readsARecord() { api.get("/v1/records/x", ORG_A).assertProblem(404, "not_found"); }
 * }
 * }</pre>
 *
 * A class that needs more configuration (a fake peer's URL) also implements
 * {@code TestPropertyProvider}; its properties are added to these.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public @interface ServiceTest {
    /** The service's short name ({@code records}, {@code flows} …): names the class's database. */
    String value();
}
