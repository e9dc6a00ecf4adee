package dev.runloom.records;

import dev.runloom.common.tenant.Tenant;
import dev.runloom.testsupport.ApiClient;
import dev.runloom.testsupport.ApiClient.Reply;
import dev.runloom.testsupport.ServiceTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static dev.runloom.records.RecordFixtures.createRecord;
import static dev.runloom.records.RecordListTest.cond;
import static dev.runloom.testsupport.TestTenants.ORG_A;
import static dev.runloom.testsupport.TestTenants.ORG_B;
import static org.assertj.core.api.Assertions.assertThat;

/** R6 field values, R7 filter preview, R8 schema discovery. */
@ServiceTest("records")
class RecordInsightsTest {
    @Inject ApiClient<Tenant> api;

    @Test
    void fieldValuesCountTheMostFrequentFirst() {
        createRecord(api, ORG_A, "fv", "a", Map.of("status", "open", "n", 1, "address", Map.of("city", "Rome")));
        createRecord(api, ORG_A, "fv", "b", Map.of("status", "open", "n", 1));
        createRecord(api, ORG_A, "fv", "c", Map.of("status", "closed"));
        createRecord(api, ORG_B, "fv", "a", Map.of("status", "secret-b"));
        createRecord(api, ORG_B, "fv", "b", Map.of("status", "secret-b"));
        createRecord(api, ORG_B, "fv", "c", Map.of("status", "secret-b"));

        Reply values = api.get("/v1/records/field-values?type=fv&field=status", ORG_A);
        assertThat(values.status()).as(values.raw()).isEqualTo(200);
        assertThat(values.body()).isEqualTo(Map.of("values", List.of(Map.of("value", "open", "count", 2),
                Map.of("value", "closed", "count", 1))));
        assertThat(api.get("/v1/records/field-values?type=fv&field=metadata.n", ORG_A).body())
                .isEqualTo(Map.of("values", List.of(Map.of("value", 1, "count", 2))));
        assertThat(api.get("/v1/records/field-values?type=fv&field=address.city&limit=1", ORG_A).list("values"))
                .containsExactly(Map.of("value", "Rome", "count", 1));
        assertThat(api.get("/v1/records/field-values?type=fv&field=status&limit=1", ORG_A).list("values")).hasSize(1);

        api.get("/v1/records/field-values?type=fv", ORG_A).assertProblem(400, "invalid_parameter");
        api.get("/v1/records/field-values?type=fv&field=a..b", ORG_A).assertProblem(400, "invalid_parameter");
        api.get("/v1/records/field-values?type=fv&field=status&limit=0", ORG_A).assertProblem(400, "invalid_parameter");
    }

    @Test
    void previewCountsAndSamplesAFilter() {
        for (int i = 0; i < 12; i++) {
            createRecord(api, ORG_A, "pv", "p" + i, Map.of("even", i % 2 == 0));
        }
        createRecord(api, ORG_B, "pv", "p0", Map.of("even", true));
        Reply preview = api.post("/v1/records/preview-filter", Map.of("type", "pv",
                "filter", Map.of("where", List.of(cond("metadata.even", "eq", true)))), ORG_A);
        assertThat(preview.status()).as(preview.raw()).isEqualTo(200);
        assertThat(preview.body()).containsEntry("count", 6).containsEntry("countCapped", false);
        assertThat(preview.list("sample")).hasSize(6).allSatisfy(r -> assertThat(r).containsEntry("organizationId", "org_a")
                .containsKeys("id", "name", "metadata", "createdAt"));
        Reply all = api.post("/v1/records/preview-filter", Map.of("type", "pv"), ORG_A);
        assertThat(all.body()).containsEntry("count", 12);
        assertThat(all.list("sample")).hasSize(10);
        // the filter may also come as JSON text, and carry the type itself
        Reply text = api.post("/v1/records/preview-filter", Map.of("filter",
                "{\"type\":\"pv\",\"where\":[{\"field\":\"name\",\"op\":\"eq\",\"value\":\"p3\"}]}"), ORG_A);
        assertThat(text.body()).containsEntry("count", 1);
        // a filter that is only a type counts from the counter: exact, never capped
        assertThat(api.post("/v1/records/preview-filter", Map.of("filter", Map.of("type", "pv")), ORG_A).body())
                .containsEntry("count", 12).containsEntry("countCapped", false);
        assertThat(api.post("/v1/records/preview-filter", Map.of("type", "pv", "filter", Map.of("type", "other")), ORG_A).body())
                .containsEntry("count", 0);

        api.post("/v1/records/preview-filter", Map.of("type", "pv", "filter", Map.of("where",
                List.of(cond("metadata.x", "regex", ".*")))), ORG_A).assertProblem(400, "invalid_filter");
        api.post("/v1/records/preview-filter", "{\"type\":", ORG_A).assertProblem(400);
        api.post("/v1/records/preview-filter", Map.of("type", "pv", "unknown", 1), ORG_A).assertProblem(400, "validation_failed");
    }

    @Test
    void schemaInfersFieldsFromASample() {
        createRecord(api, ORG_A, "sc", "a", Map.of("email", "a@x.io", "age", 30, "vip", true, "joined", "2024-05-01T10:00:00Z",
                "address", Map.of("city", "Oslo"), "tags", List.of("x")));
        createRecord(api, ORG_A, "sc", "b", Map.of("email", "b@x.io", "age", 41.5, "vip", false, "joined", "2024-06-01T10:00:00Z"));
        createRecord(api, ORG_B, "sc", "a", Map.of("hidden", "from a"));

        Reply schema = api.get("/v1/records/schema?type=sc", ORG_A);
        assertThat(schema.status()).as(schema.raw()).isEqualTo(200);
        assertThat(schema.body()).containsEntry("type", "sc").containsEntry("totalRecords", 2)
                .containsEntry("sampledRecords", 2).containsKey("sampledAt");
        Map<String, Map<String, Object>> fields = new java.util.HashMap<>();
        schema.list("fields").forEach(f -> fields.put((String) f.get("name"), f));
        assertThat(fields.keySet()).containsExactlyInAnyOrder("email", "age", "vip", "joined", "address.city", "tags");
        assertThat(fields.get("email")).containsEntry("type", "string").containsEntry("required", true)
                .containsEntry("nullRate", 0.0).containsKeys("description", "example", "examples");
        assertThat(fields.get("age")).containsEntry("type", "number");
        assertThat(fields.get("vip")).containsEntry("type", "boolean");
        assertThat(fields.get("joined")).containsEntry("type", "string").containsEntry("format", "date-time");
        assertThat(fields.get("address.city")).containsEntry("required", false).containsEntry("nullRate", 0.5);
        assertThat(fields.get("tags")).containsEntry("type", "array");

        assertThat(api.get("/v1/records/schema?type=sc&sample=1", ORG_A).body()).containsEntry("sampledRecords", 1);
        assertThat(api.get("/v1/records/schema?type=sc", ORG_B).list("fields")).extracting(f -> f.get("name"))
                .containsExactly("hidden");
        assertThat(api.get("/v1/records/schema?type=nothing", ORG_A).body()).containsEntry("totalRecords", 0)
                .containsEntry("fields", List.of());
        api.get("/v1/records/schema?type=sc&sample=0", ORG_A).assertProblem(400, "invalid_parameter");
        api.get("/v1/records/schema?type=sc&sample=1001", ORG_A).assertProblem(400, "invalid_parameter");
    }
}
