package dev.runloom.records;

import dev.runloom.common.tenant.Tenant;
import dev.runloom.testsupport.ApiClient;
import dev.runloom.testsupport.ApiClient.Reply;
import dev.runloom.testsupport.ServiceTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static dev.runloom.records.RecordFixtures.createRecord;
import static dev.runloom.testsupport.TestTenants.ORG_A;
import static dev.runloom.testsupport.TestTenants.ORG_B;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The internal reads and idempotent writes flow steps use: a write repeated with the same key (a
 * retried step) writes once and answers the first write's record; other tenants see nothing.
 */
@ServiceTest("records")
class InternalRecordWritesTest {
    @Inject ApiClient<Tenant> api;

    @Test
    void upsertCreatesOnceAndMergesLater() {
        Map<String, Object> first = Map.of("idempotencyKey", "exec_1:step_1", "type", "lead", "name", "Acme",
                "metadata", Map.of("score", 3, "tier", "b"));
        Reply created = api.post("/internal/records/upsert", first, ORG_A);
        assertThat(created.status()).as(created.raw()).isEqualTo(200);
        assertThat(created.body()).containsEntry("created", true).containsEntry("replayed", false);
        String id = (String) created.map("record").get("id");

        // the same step retried: nothing written, the first answer again
        Map<String, Object> retried = new HashMap<>(first);
        retried.put("metadata", Map.of("score", 99));
        Reply replay = api.post("/internal/records/upsert", retried, ORG_A);
        assertThat(replay.body()).containsEntry("created", true).containsEntry("replayed", true);
        assertThat(replay.map("record")).containsEntry("id", id).containsEntry("metadata", Map.of("score", 3, "tier", "b"));

        // another execution merges into the same (type, name) record
        Reply merged = api.post("/internal/records/upsert", Map.of("idempotencyKey", "exec_2:step_1", "type", "lead",
                "name", "Acme", "metadata", Map.of("score", 4)), ORG_A);
        assertThat(merged.body()).containsEntry("created", false).containsEntry("replayed", false);
        assertThat(merged.map("record")).containsEntry("id", id).containsEntry("metadata", Map.of("score", 4, "tier", "b"));
        assertThat(api.get("/v1/records/" + id, ORG_A).body()).containsEntry("metadata", Map.of("score", 4, "tier", "b"));

        // the same key in another organization is another key
        Reply other = api.post("/internal/records/upsert", first, ORG_B);
        assertThat(other.body()).containsEntry("created", true).containsEntry("replayed", false);
        assertThat(other.map("record").get("id")).isNotEqualTo(id);
    }

    @Test
    void concurrentDeliveriesOfOneWriteWriteOnce() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Reply>> replies = new java.util.ArrayList<>();
            for (int i = 0; i < 4; i++) {
                int n = i;
                replies.add(pool.submit(() -> api.post("/internal/records/upsert", Map.of("idempotencyKey", "exec_c:step",
                        "type", "race", "name", "once", "metadata", Map.of("n", n)), ORG_A)));
            }
            long fresh = 0;
            for (Future<Reply> reply : replies) {
                assertThat(reply.get().status()).as(reply.get().raw()).isEqualTo(200);
                fresh += Boolean.TRUE.equals(reply.get().body().get("replayed")) ? 0 : 1;
            }
            assertThat(fresh).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void updateAppliesTheMergeStrategyOnce() {
        String id = (String) createRecord(api, ORG_A, "account", "Globex",
                Map.of("plan", "free", "limits", Map.of("seats", 1, "projects", 2))).get("id");

        Reply deep = api.post("/internal/records/" + id + "/update", Map.of("idempotencyKey", "e:1",
                "updates", Map.of("limits", Map.of("seats", 5)), "mergeStrategy", "deep-merge"), ORG_A);
        assertThat(deep.status()).as(deep.raw()).isEqualTo(200);
        assertThat(deep.map("record")).containsEntry("metadata",
                Map.of("plan", "free", "limits", Map.of("seats", 5, "projects", 2)));

        Reply again = api.post("/internal/records/" + id + "/update", Map.of("idempotencyKey", "e:1",
                "updates", Map.of("plan", "changed")), ORG_A);
        assertThat(again.body()).containsEntry("replayed", true);
        assertThat(again.map("record").get("metadata")).isEqualTo(Map.of("plan", "free", "limits", Map.of("seats", 5, "projects", 2)));

        Reply replace = api.post("/internal/records/" + id + "/update", Map.of("idempotencyKey", "e:2",
                "updates", Map.of("only", true), "mergeStrategy", "replace"), ORG_A);
        assertThat(replace.map("record")).containsEntry("metadata", Map.of("only", true));

        // another tenant's record is not found, and its key is not consumed by the failure
        api.post("/internal/records/" + id + "/update", Map.of("idempotencyKey", "e:3", "updates", Map.of()), ORG_B)
                .assertProblem(404);
        api.post("/internal/records/record_missing/update", Map.of("idempotencyKey", "e:4", "updates", Map.of()), ORG_A)
                .assertProblem(404);
    }

    @Test
    void findByNameOrMetadataFilter() {
        createRecord(api, ORG_A, "company", "Initech", Map.of("employees", 120, "city", "Austin"));
        createRecord(api, ORG_A, "company", "Hooli", Map.of("employees", 9000, "city", "Palo Alto"));

        assertThat(api.post("/internal/records/find", Map.of("type", "company", "name", "Initech"), ORG_A).map("record"))
                .containsEntry("name", "Initech");
        assertThat(api.post("/internal/records/find", Map.of("type", "company",
                "where", Map.of("field", "employees", "op", "gt", "value", 1000)), ORG_A).map("record"))
                .containsEntry("name", "Hooli");
        assertThat(api.post("/internal/records/find", Map.of("type", "company",
                "where", Map.of("field", "city", "op", "contains", "value", "aus")), ORG_A).map("record"))
                .containsEntry("name", "Initech");
        assertThat(api.post("/internal/records/find", Map.of("type", "company",
                "where", Map.of("field", "metadata.city", "value", "Palo Alto")), ORG_A).map("record"))
                .containsEntry("name", "Hooli");
        assertThat(api.post("/internal/records/find", Map.of("type", "company", "name", "Initech"), ORG_B).body())
                .containsEntry("record", null);
        assertThat(api.post("/internal/records/find", Map.of("type", "company",
                "where", Map.of("field", "city", "op", "gt", "value", 5)), ORG_A).body()).containsEntry("record", null);
    }

    @Test
    void badInputsAreClearProblems() {
        api.post("/internal/records/upsert", Map.of("type", "t", "metadata", Map.of()), ORG_A).assertProblem(400, "validation_failed");
        api.post("/internal/records/upsert", Map.of("idempotencyKey", "k", "metadata", Map.of()), ORG_A).assertProblem(400, "validation_failed");
        api.post("/internal/records/upsert", Map.of("idempotencyKey", "k", "type", "t"), ORG_A).assertProblem(400, "validation_failed");
        api.post("/internal/records/upsert", Map.of("idempotencyKey", "x".repeat(301), "type", "t", "metadata", Map.of()), ORG_A)
                .assertProblem(400, "validation_failed");
        api.post("/internal/records/upsert", Map.of("idempotencyKey", "k", "type", "t", "metadata", "nope"), ORG_A).assertProblem(400);
        api.post("/internal/records/upsert", Map.of("idempotencyKey", "k\u0000", "type", "t", "metadata", Map.of()), ORG_A).assertProblem(400);
        api.post("/internal/records/x/update", Map.of("idempotencyKey", "k", "updates", Map.of(), "mergeStrategy", "zip"), ORG_A)
                .assertProblem(400, "validation_failed");
        api.post("/internal/records/find", Map.of(), ORG_A).assertProblem(400, "validation_failed");
        api.post("/internal/records/find", Map.of("type", "t", "where", Map.of("field", "a", "op", "like")), ORG_A)
                .assertProblem(400, "validation_failed");
        api.post("/internal/records/find", Map.of("type", "t", "where", Map.of("field", "a", "op", "gt", "value", "abc")), ORG_A)
                .assertProblem(400, "invalid_filter");
        api.post("/internal/records/upsert", Map.of("idempotencyKey", "k", "type", "t", "metadata", Map.of()), null)
                .assertProblem(401);
    }
}
