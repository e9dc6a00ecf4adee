package dev.runloom.testsupport;

import io.micronaut.test.support.TestPropertyProvider;
import io.micronaut.test.support.TestPropertyProviderFactory;

import java.util.Map;

/**
 * Gives each {@link ServiceTest} class its configuration (registered through
 * {@code META-INF/services}): a database and topic prefix of its own on the shared servers.
 */
public final class ServiceTestProperties implements TestPropertyProviderFactory {
    @Override
    public TestPropertyProvider create(Map<String, Object> availableProperties, Class<?> testClass) {
        ServiceTest serviceTest = testClass.getAnnotation(ServiceTest.class);
        if (serviceTest == null) {
            return Map::of;
        }
        Map<String, String> properties = MicronautTestInfra.serviceProperties(serviceTest.value());
        return () -> properties;
    }
}
