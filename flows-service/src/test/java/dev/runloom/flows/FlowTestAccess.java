package dev.runloom.flows;

import dev.runloom.common.tenant.Tenant;
import dev.runloom.testsupport.ApiClient;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/** The package's test fixtures for tests in feature packages (costs …). */
public final class FlowTestAccess {
    private FlowTestAccess() {
    }

    public static String createFlow(ApiClient<Tenant> api, String name, List<Map<String, Object>> steps) {
        return FlowFixtures.createFlow(api, name, steps);
    }

    public static Map<String, Object> awaitFinishedBatch(ApiClient<Tenant> api, String batchId, Duration timeout) {
        return FlowFixtures.awaitFinishedBatch(api, batchId, timeout);
    }

    public static Records records() {
        return new Records();
    }

    /** A fake records-service (see {@link FakeRecordsService}). */
    public static final class Records implements AutoCloseable {
        private final FakeRecordsService fake = new FakeRecordsService(1000);

        public void add(String organizationId, String type, String idPrefix, int count) {
            fake.add(organizationId, type, idPrefix, count);
        }

        public Map<String, String> serviceProperties() {
            return fake.serviceProperties();
        }

        @Override
        public void close() {
            fake.close();
        }
    }
}
