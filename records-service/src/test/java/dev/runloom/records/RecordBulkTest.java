package dev.runloom.records;

import dev.runloom.common.tenant.Tenant;
import dev.runloom.testsupport.ApiClient;
import dev.runloom.testsupport.ApiClient.Reply;
import dev.runloom.testsupport.ServiceTest;
import io.micronaut.http.HttpRequest;
import io.micronaut.transaction.TransactionOperations;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import static dev.runloom.records.RecordFixtures.createRecord;
import static dev.runloom.records.RecordListTest.cond;
import static dev.runloom.testsupport.TestTenants.ORG_A;
import static dev.runloom.testsupport.TestTenants.ORG_B;
import static org.assertj.core.api.Assertions.assertThat;

/** R3 bulk delete and R4 bulk edit, and the per-type counters every write keeps exact. */
@ServiceTest("records")
class RecordBulkTest {
    @Inject ApiClient<Tenant> api;
    @Inject TransactionOperations<Connection> transactions;

    @Test
    void bulkDeletesByIdsAndByFilterWithinTheOrganizationOnly() {
        RecordSql db = new RecordSql(transactions);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            ids.add((String) createRecord(api, ORG_A, "bd", "r" + i, Map.of("group", i % 2 == 0 ? "even" : "odd")).get("id"));
        }
        String foreign = (String) createRecord(api, ORG_B, "bd", "r0", Map.of("group", "even")).get("id");
        db.insertResult("res_bd_" + ids.get(0), "org_a", ids.get(0));

        Reply byIds = api.post("/v1/records/bulk-delete", Map.of("ids", List.of(ids.get(0), ids.get(1), foreign, "record_nope")), ORG_A);
        assertThat(byIds.status()).as(byIds.raw()).isEqualTo(200);
        assertThat(byIds.body()).isEqualTo(Map.of("deleted", 2));
        assertThat(api.get("/v1/records/" + foreign, ORG_B).status()).isEqualTo(200);
        assertThat(db.results(ids.get(0))).isZero();
        assertThat(db.counter("org_a", "bd")).isEqualTo(4).isEqualTo(db.actual("org_a", "bd"));

        Reply byFilter = api.post("/v1/records/bulk-delete", Map.of("type", "bd",
                "filter", Map.of("where", List.of(cond("metadata.group", "eq", "even")))), ORG_A);
        assertThat(byFilter.body()).as(byFilter.raw()).isEqualTo(Map.of("deleted", 2));
        assertThat(api.get("/v1/records?type=bd&includeCount=true", ORG_A).pagination()).containsEntry("totalCount", 2);
        assertThat(db.counter("org_b", "bd")).isEqualTo(1);

        assertThat(api.post("/v1/records/bulk-delete", Map.of("type", "bd"), ORG_A).body()).isEqualTo(Map.of("deleted", 2));
        assertThat(db.counter("org_a", "bd")).isZero();
        assertThat(db.actual("org_b", "bd")).isEqualTo(1);
    }

    @Test
    void bulkEditsWithEachMergeStrategy() {
        String a = (String) createRecord(api, ORG_A, "be", "a", Map.of("keep", 1, "nested", Map.of("x", 1, "y", 2))).get("id");
        String b = (String) createRecord(api, ORG_A, "be", "b", Map.of("keep", 2, "nested", Map.of("x", 1, "y", 2))).get("id");
        String c = (String) createRecord(api, ORG_A, "be", "c", Map.of("keep", 3)).get("id");
        String foreign = (String) createRecord(api, ORG_B, "be", "a", Map.of("keep", 9)).get("id");
        Map<String, Object> patch = Map.of("nested", Map.of("y", 5), "added", true);

        Reply merged = api.post("/v1/records/bulk-edit", Map.of("ids", List.of(a, foreign), "metadata", patch), ORG_A);
        assertThat(merged.body()).as(merged.raw()).isEqualTo(Map.of("updated", 1));
        assertThat(metadata(a)).isEqualTo(Map.of("keep", 1, "nested", Map.of("y", 5), "added", true));
        assertThat(api.get("/v1/records/" + foreign, ORG_B).body().get("metadata")).isEqualTo(Map.of("keep", 9));

        api.post("/v1/records/bulk-edit", Map.of("ids", List.of(b), "metadata", patch, "mergeStrategy", "deep-merge"), ORG_A)
                .assertStatus(200);
        assertThat(metadata(b)).isEqualTo(Map.of("keep", 2, "nested", Map.of("x", 1, "y", 5), "added", true));

        Reply replaced = api.post("/v1/records/bulk-edit", Map.of("type", "be", "filter",
                Map.of("where", List.of(cond("metadata.keep", "gte", 3))), "metadata", Map.of("only", "this"),
                "mergeStrategy", "replace"), ORG_A);
        assertThat(replaced.body()).isEqualTo(Map.of("updated", 1));
        assertThat(metadata(c)).isEqualTo(Map.of("only", "this"));

        // every record of a type, by filter, more than one chunk is not needed to prove the loop ends
        assertThat(api.post("/v1/records/bulk-edit", Map.of("type", "be", "metadata", Map.of("all", 1)), ORG_A).body())
                .isEqualTo(Map.of("updated", 3));
        assertThat(metadata(a)).containsEntry("all", 1);
    }

    @Test
    void badBulkRequestsAreProblems() {
        String[] bodies = {"{}", "{\"ids\":[]}", "{\"ids\":\"x\"}", "{\"ids\":[1]}", "{\"filter\":{}}",
                "{\"type\":5}", "{\"type\":\"t\",\"filter\":{\"where\":[{\"field\":\"x\",\"op\":\"eq\",\"value\":1}]}}",
                "{\"ids\":[\"a\"],\"filter\":{}}", "{\"ids\":[\"a\"],\"bogus\":1}", "[]", "{\"ids\":"};
        for (String body : bodies) {
            Reply reply = api.post("/v1/records/bulk-delete", body, ORG_A);
            assertThat(reply.status()).as(body + ": " + reply.raw()).isEqualTo(400);
        }
        for (String body : List.of("{\"ids\":[\"a\"]}", "{\"ids\":[\"a\"],\"metadata\":[]}",
                "{\"ids\":[\"a\"],\"metadata\":{},\"mergeStrategy\":\"splice\"}", "{\"metadata\":{}}")) {
            Reply reply = api.post("/v1/records/bulk-edit", body, ORG_A);
            assertThat(reply.status()).as(body + ": " + reply.raw()).isEqualTo(400);
        }
        List<String> tooMany = new ArrayList<>(Collections.nCopies(10_001, "record_x"));
        api.post("/v1/records/bulk-delete", Map.of("ids", tooMany), ORG_A).assertProblem(400, "validation_failed");
        api.post("/v1/records/bulk-delete", Map.of("ids", List.of("a")), null).assertProblem(401, "unauthorized");
    }

    @Test
    void countersStayExactThroughEveryKindOfWrite() {
        RecordSql db = new RecordSql(transactions);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ids.add((String) createRecord(api, ORG_A, "cnt", "c" + i, Map.of()).get("id"));
        }
        assertThat(db.counter("org_a", "cnt")).isEqualTo(5);
        // a type change moves the record between counters
        api.send(HttpRequest.PUT("/v1/records/" + ids.get(0), Map.of("type", "cnt-2")), ORG_A).assertStatus(200);
        assertThat(db.counter("org_a", "cnt")).isEqualTo(4);
        assertThat(db.counter("org_a", "cnt-2")).isEqualTo(1);
        // a refused create changes nothing; a metadata-only update neither
        api.post("/v1/records", Map.of("type", "cnt", "name", "c1"), ORG_A).assertProblem(409, "record_exists");
        api.post("/v1/records/bulk-edit", Map.of("type", "cnt", "metadata", Map.of("x", 1)), ORG_A).assertStatus(200);
        assertThat(db.counter("org_a", "cnt")).isEqualTo(4);
        // a multi-row SQL write (as the CSV import's merge does) is counted by the statement trigger
        db.update("INSERT INTO records (id, organization_id, type, name, created_at, updated_at)"
                + " SELECT 'record_sql_' || g, 'org_a', 'cnt', 'sql ' || g, now(), now() FROM generate_series(1, 50) g");
        assertThat(db.counter("org_a", "cnt")).isEqualTo(54).isEqualTo(db.actual("org_a", "cnt"));
        assertThat(api.get("/v1/records?type=cnt&includeCount=true", ORG_A).pagination()).containsEntry("totalCount", 54);
        api.post("/v1/records/bulk-delete", Map.of("type", "cnt", "filter", Map.of("where",
                List.of(cond("name", "startsWith", "sql ")))), ORG_A).assertStatus(200);
        assertThat(db.counter("org_a", "cnt")).isEqualTo(4).isEqualTo(db.actual("org_a", "cnt"));
        // the organization-wide count sums the types
        assertThat(api.get("/v1/records?includeCount=true", ORG_A).pagination().get("totalCount"))
                .isEqualTo((int) db.count("SELECT count(*) FROM records WHERE organization_id = 'org_a'"));
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> metadata(String id) {
        return (Map<String, Object>) api.get("/v1/records/" + id, ORG_A).body().get("metadata");
    }
}
