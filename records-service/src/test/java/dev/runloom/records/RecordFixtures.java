package dev.runloom.records;

import dev.runloom.common.tenant.Tenant;
import dev.runloom.testsupport.ApiClient;
import dev.runloom.testsupport.ApiClient.Reply;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Records created through the API, for tests that need some to exist. */
final class RecordFixtures {
    private RecordFixtures() {
    }

    /** Creates a record and returns its JSON. */
    static Map<String, Object> createRecord(ApiClient<Tenant> api, Tenant tenant, String type, String name,
                                            Map<String, Object> metadata) {
        Reply reply = api.post("/v1/records", Map.of("type", type, "name", name, "metadata", metadata), tenant);
        assertThat(reply.status()).as(reply.raw()).isEqualTo(201);
        return reply.body();
    }
}
