package dev.runloom.flows;

import dev.runloom.common.tenant.Tenant;
import dev.runloom.testsupport.ApiClient;
import dev.runloom.testsupport.ApiClient.Reply;
import dev.runloom.schedules.events.ScheduleRunRequestedV1;
import dev.runloom.testsupport.KafkaTestTopics;
import dev.runloom.testsupport.Poll;
import dev.runloom.testsupport.ServiceTest;
import dev.runloom.testsupport.ServiceTestEnvironment;
import io.micronaut.json.JsonMapper;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static dev.runloom.flows.FlowFixtures.createFlow;
import static dev.runloom.flows.FlowFixtures.templateStep;
import static dev.runloom.testsupport.TestTenants.ORG_A;
import static dev.runloom.testsupport.TestTenants.ORG_B;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Versions and publishing (reference 3.3: F3, F4, F7, F9, FV1–FV4, FS1): an update makes a new
 * draft, the published version keeps running until a publish, a flow never published runs its
 * newest version, and a chosen version can be published to roll back. Also F1's cursor listing and
 * the step results' heavy fields.
 */
@ServiceTest("flows")
class FlowVersionsTest implements TestPropertyProvider {
    private static final List<String> VERSION_SUMMARY_KEYS = List.of("id", "versionNumber", "versionType", "label",
            "notes", "stepSummary", "stepCount", "createdAt");
    private static final List<String> VERSION_DETAIL_KEYS = List.of("id", "flowId", "versionNumber", "versionType",
            "flowConfig", "label", "notes", "createdAt");

    @Inject ApiClient<Tenant> api;
    @Inject KafkaTestTopics kafka;
    @Inject ServiceTestEnvironment env;
    @Inject JsonMapper json;
    final FakeRecordsService records = new FakeRecordsService();

    @Override
    public Map<String, String> getProperties() {
        return records.serviceProperties();
    }

    @BeforeAll
    void addRecords() {
        records.add("org_a", "account", "acct", 1);
    }

    @AfterAll
    void stopFake() {
        records.close();
    }

    @Test
    void anUpdateIsADraftThatRunsOnlyOncePublished() {
        String flowId = createFlow(api, "Versioned", List.of(templateStep("Say", "v1 {{_record.name}}")));
        Map<String, Object> created = api.get("/v1/flows/" + flowId, ORG_A).assertStatus(200).body();
        String v1 = (String) created.get("draftVersionId");
        assertThat(v1).startsWith("flowver_");
        assertThat(created).containsEntry("status", "draft").containsEntry("publishedVersionId", null);

        // never published: the newest version runs
        assertThat(runAndGetOutput(flowId)).isEqualTo(List.of(v1, "v1 Company acct 1"));

        Reply published = api.post("/v1/flows/" + flowId + "/publish", Map.of(), ORG_A).assertStatus(200);
        assertThat(published.body()).containsOnlyKeys("success", "publishedVersionId", "message")
                .containsEntry("success", true).containsEntry("publishedVersionId", v1);
        assertThat(api.get("/v1/flows/" + flowId, ORG_A).body()).containsEntry("status", "active")
                .containsEntry("draftVersionId", null).containsEntry("publishedVersionId", v1);

        // F4: a new draft, everything optional; the published version keeps running
        Reply updated = api.send(io.micronaut.http.HttpRequest.PUT("/v1/flows/" + flowId, api.toJson(Map.of(
                "name", "Versioned, renamed", "flowSteps", List.of(templateStep("Say", "v2 {{_record.name}}")))))
                .contentType("application/json"), ORG_A).assertStatus(200);
        String v2 = updated.string("draftVersionId");
        assertThat(v2).startsWith("flowver_").isNotEqualTo(v1);
        assertThat(updated.body()).containsEntry("name", "Versioned, renamed").containsEntry("publishedVersionId", v1)
                .containsEntry("status", "active").containsEntry("description", null);
        assertThat(((Map<?, ?>) updated.list("flowSteps").getFirst().get("config")).get("template"))
                .isEqualTo("v2 {{_record.name}}");
        assertThat(runAndGetOutput(flowId)).isEqualTo(List.of(v1, "v1 Company acct 1"));

        // F9 exports what runs; FS1 shows what is edited
        Map<String, Object> export = api.get("/v1/flows/" + flowId + "/export-runtime", ORG_A).assertStatus(200).body();
        assertThat(export).containsOnlyKeys("id", "name", "description", "versionId", "versionNumber", "versionType",
                "flowSteps", "exportedAt").containsEntry("id", flowId).containsEntry("versionId", v1)
                .containsEntry("versionNumber", 1).containsEntry("versionType", "published").containsEntry("name", "Versioned");
        Reply steps = api.get("/v1/flow-steps/flow/" + flowId, ORG_A).assertStatus(200);
        assertThat(steps.body()).containsOnlyKeys("data", "flowId", "flowName").containsEntry("flowId", flowId)
                .containsEntry("flowName", "Versioned, renamed");
        assertThat(steps.data().getFirst()).containsOnlyKeys("id", "type", "name", "order", "enabled", "config", "when",
                "flowId", "userId", "createdAt", "updatedAt").containsEntry("type", "template").containsEntry("order", 1)
                .containsEntry("flowId", flowId).containsEntry("userId", "user_a");

        // FV1: newest first, types from the flow's pointers; ?type filters
        Reply versions = api.get("/v1/flow-versions/" + flowId, ORG_A).assertStatus(200);
        assertThat(versions.body()).containsOnlyKeys("flowId", "publishedVersionId", "versions")
                .containsEntry("flowId", flowId).containsEntry("publishedVersionId", v1);
        List<Map<String, Object>> listed = versions.list("versions");
        assertThat(listed).extracting(v -> v.get("id")).containsExactly(v2, v1);
        assertThat(listed).extracting(v -> v.get("versionType")).containsExactly("draft", "published");
        assertThat(listed).extracting(v -> v.get("versionNumber")).containsExactly(2, 1);
        assertThat(listed.getFirst()).containsOnlyKeys(VERSION_SUMMARY_KEYS).containsEntry("stepCount", 1)
                .containsEntry("stepSummary", List.of(Map.of("name", "Say", "type", "template")));
        assertThat(api.get("/v1/flow-versions/" + flowId + "?type=draft", ORG_A).list("versions"))
                .extracting(v -> v.get("id")).containsExactly(v2);
        assertThat(api.get("/v1/flow-versions/" + flowId + "?type=archived", ORG_A).list("versions")).isEmpty();

        // FV2 / FV3
        Map<String, Object> publishedVersion = api.get("/v1/flow-versions/" + flowId + "/published", ORG_A)
                .assertStatus(200).body();
        assertThat(publishedVersion).containsOnlyKeys(VERSION_DETAIL_KEYS).containsEntry("id", v1)
                .containsEntry("flowId", flowId).containsEntry("versionType", "published").containsEntry("label", null);
        assertThat(template(publishedVersion)).isEqualTo("v1 {{_record.name}}");
        Map<String, Object> draft = api.get("/v1/flow-versions/" + flowId + "/" + v2, ORG_A).assertStatus(200).body();
        assertThat(draft).containsOnlyKeys(VERSION_DETAIL_KEYS).containsEntry("versionType", "draft")
                .containsEntry("versionNumber", 2);
        assertThat(template(draft)).isEqualTo("v2 {{_record.name}}");

        // F7 again: the draft runs now; publishing it twice changes nothing
        api.post("/v1/flows/" + flowId + "/publish", Map.of(), ORG_A).assertStatus(200);
        assertThat(runAndGetOutput(flowId)).isEqualTo(List.of(v2, "v2 Company acct 1"));
        Reply again = api.post("/v1/flows/" + flowId + "/publish", "{}", ORG_A).assertStatus(200);
        assertThat(again.string("message")).contains("already");
        assertThat(api.get("/v1/flows/" + flowId, ORG_A).body()).containsEntry("draftVersionId", null);

        // FV4: roll back to v1, with release notes
        Reply rolledBack = api.post("/v1/flow-versions/" + flowId + "/publish",
                Map.of("versionId", v1, "label", "rollback", "notes", "v2 was wrong"), ORG_A).assertStatus(200);
        assertThat(rolledBack.body()).containsOnlyKeys("success", "message", "flowId", "versionId")
                .containsEntry("success", true).containsEntry("flowId", flowId).containsEntry("versionId", v1);
        assertThat(runAndGetOutput(flowId)).isEqualTo(List.of(v1, "v1 Company acct 1"));
        assertThat(api.get("/v1/flow-versions/" + flowId + "/" + v1, ORG_A).body()).containsEntry("label", "rollback")
                .containsEntry("notes", "v2 was wrong").containsEntry("versionType", "published");
        assertThat(api.get("/v1/flows/" + flowId, ORG_A).body()).containsEntry("draftVersionId", v2)
                .containsEntry("publishedVersionId", v1);
    }

    @Test
    void aScheduledRunUsesThePublishedVersionNotANewerDraft() {
        String flowId = createFlow(api, "Scheduled", List.of(templateStep("Say", "published {{_record.name}}")));
        String published = api.post("/v1/flows/" + flowId + "/publish", Map.of(), ORG_A).assertStatus(200)
                .string("publishedVersionId");
        api.send(io.micronaut.http.HttpRequest.PUT("/v1/flows/" + flowId, api.toJson(Map.of(
                "flowSteps", List.of(templateStep("Say", "draft {{_record.name}}"))))).contentType("application/json"),
                ORG_A).assertStatus(200);

        ScheduleRunRequestedV1 run = ScheduleRuns.flowRun(flowId, "account", null, null);
        new ScheduleRuns(kafka, env, json).publish(run);

        List<Map<String, Object>> rows = Poll.until(() -> api.get("/v1/flows/" + flowId + "/step-results?batchId="
                + run.batchId(), ORG_A).data(), r -> !r.isEmpty(), Duration.ofSeconds(30));
        assertThat(rows).singleElement().satisfies(r -> assertThat(r).containsEntry("flowVersionId", published)
                .containsEntry("outputPreview", "published Company acct 1"));
    }

    @Test
    void anUpdateWithoutStepsKeepsThemAndConcurrentUpdatesGetDistinctVersions() throws Exception {
        String flowId = createFlow(api, "Edited", List.of(templateStep("Keep", "kept")));
        Reply renamed = api.send(io.micronaut.http.HttpRequest.PUT("/v1/flows/" + flowId,
                "{\"description\": \"only this\"}").contentType("application/json"), ORG_A).assertStatus(200);
        assertThat(renamed.body()).containsEntry("name", "Edited").containsEntry("description", "only this");
        assertThat(renamed.list("flowSteps")).extracting(s -> s.get("name")).containsExactly("Keep");

        List<Thread> threads = new java.util.ArrayList<>();
        List<Integer> statuses = new java.util.concurrent.CopyOnWriteArrayList<>();
        for (int i = 0; i < 8; i++) {
            String name = "Edited " + i;
            threads.add(Thread.ofVirtual().start(() -> statuses.add(api.send(io.micronaut.http.HttpRequest.PUT(
                    "/v1/flows/" + flowId, api.toJson(Map.of("name", name))).contentType("application/json"), ORG_A)
                    .status())));
        }
        for (Thread t : threads) {
            t.join();
        }
        assertThat(statuses).hasSize(8).containsOnly(200);
        assertThat(api.get("/v1/flow-versions/" + flowId, ORG_A).list("versions"))
                .extracting(v -> v.get("versionNumber")).containsExactly(10, 9, 8, 7, 6, 5, 4, 3, 2, 1);
    }

    @Test
    void listsFlowsByCursorBothWaysWithSearchAndCount() {
        for (int i = 1; i <= 5; i++) {
            createFlow(api, "Zebra " + i, List.of());
        }
        createFlow(api, "Other 100% flow", List.of());
        List<String> all = api.get("/v1/flows?search=zEbRa&limit=100", ORG_A).assertStatus(200).data().stream()
                .map(f -> (String) f.get("id")).toList();
        assertThat(all).hasSize(5);

        Reply first = api.get("/v1/flows?search=zebra&limit=2&includeCount=true", ORG_A).assertStatus(200);
        assertThat(first.data()).extracting(f -> f.get("id")).containsExactlyElementsOf(all.subList(0, 2));
        assertThat(first.data().getFirst()).containsOnlyKeys("id", "name", "status", "createdAt", "updatedAt", "lastRunAt")
                .containsEntry("status", "draft").containsEntry("lastRunAt", null);
        assertThat(first.pagination()).containsEntry("hasMore", true).containsEntry("hasPrev", false)
                .containsEntry("prevCursor", null).containsEntry("limit", 2).containsEntry("currentOffset", 0)
                .containsEntry("totalCount", 5).containsEntry("totalPages", 3).containsEntry("currentPage", 1);

        Reply second = api.get("/v1/flows?search=zebra&limit=2&cursor=" + first.pagination().get("nextCursor"), ORG_A);
        assertThat(second.data()).extracting(f -> f.get("id")).containsExactlyElementsOf(all.subList(2, 4));
        assertThat(second.pagination()).containsEntry("hasMore", true).containsEntry("hasPrev", true)
                .containsEntry("currentOffset", 2).doesNotContainKey("totalCount");
        Reply third = api.get("/v1/flows?search=zebra&limit=2&direction=next&cursor="
                + second.pagination().get("nextCursor"), ORG_A);
        assertThat(third.data()).extracting(f -> f.get("id")).containsExactlyElementsOf(all.subList(4, 5));
        assertThat(third.pagination()).containsEntry("hasMore", false).containsEntry("nextCursor", null)
                .containsEntry("currentOffset", 4).containsEntry("hasPrev", true);

        Reply back = api.get("/v1/flows?search=zebra&limit=2&direction=prev&cursor="
                + third.pagination().get("prevCursor"), ORG_A);
        assertThat(back.data()).extracting(f -> f.get("id")).containsExactlyElementsOf(all.subList(2, 4));
        assertThat(back.pagination()).containsEntry("currentOffset", 2).containsEntry("hasPrev", true)
                .containsEntry("hasMore", true);
        Reply top = api.get("/v1/flows?search=zebra&limit=2&direction=PREV&cursor="
                + back.pagination().get("prevCursor"), ORG_A);
        assertThat(top.data()).extracting(f -> f.get("id")).containsExactlyElementsOf(all.subList(0, 2));
        assertThat(top.pagination()).containsEntry("currentOffset", 0).containsEntry("hasPrev", false)
                .containsEntry("prevCursor", null).containsEntry("hasMore", true);

        // LIKE wildcards are literal; another organization sees none of these
        assertThat(api.get("/v1/flows?search=100%25", ORG_A).data()).extracting(f -> f.get("name"))
                .containsExactly("Other 100% flow");
        assertThat(api.get("/v1/flows?search=_", ORG_A).data()).isEmpty();
        assertThat(api.get("/v1/flows?search=zebra", ORG_B).data()).isEmpty();
        assertThat(api.get("/v1/flows?search=zebra&cursor=" + first.pagination().get("nextCursor"), ORG_B).data()).isEmpty();
    }

    @Test
    void stepResultsKeepConfigInputsAndRecordMetadataForWhoAsks() {
        String flowId = createFlow(api, "Detailed", List.of(templateStep("First", "one"),
                Map.of("type", "template", "name", "Second", "config",
                        Map.of("template", "{{first}} two", "outputVariable", "second"))));
        String batchId = api.post("/v1/flows/" + flowId + "/run-on-record-type", Map.of("recordType", "account"), ORG_A)
                .assertStatus(200).string("batchId");

        String base = "/v1/flows/" + flowId + "/step-results?sortBy=order&sortOrder=asc&batchId=" + batchId;
        for (Map<String, Object> row : api.get(base, ORG_A).assertStatus(200).data()) {
            assertThat(row).containsEntry("stepConfig", null).containsEntry("inputVariables", null)
                    .containsEntry("recordMetadata", null);
        }
        List<Map<String, Object>> detailed = api.get(base + "&includeDetails=true", ORG_A).assertStatus(200).data();
        assertThat(detailed).hasSize(2);
        Map<String, Object> metadata = Map.of("industry", "industry-1", "index", 1);
        List<Map<String, Object>> defined = api.get("/v1/flows/" + flowId, ORG_A).list("flowSteps");
        assertThat(detailed.get(0)).containsEntry("stepConfig", defined.get(0).get("config"))
                .containsEntry("inputVariables", Map.of()).containsEntry("recordMetadata", metadata);
        assertThat(detailed.get(1)).containsEntry("stepConfig", defined.get(1).get("config"))
                .containsEntry("inputVariables", Map.of("first", "one", "previous_output", "one"))
                .containsEntry("recordMetadata", metadata);
        api.get(base + "&includeDetails=maybe", ORG_A).assertProblem(400, "invalid_parameter");
    }

    /** Runs the flow on the one account and answers [the version that ran, its single step's output]. */
    private List<String> runAndGetOutput(String flowId) {
        String batchId = api.post("/v1/flows/" + flowId + "/run-on-record-type", Map.of("recordType", "account"), ORG_A)
                .assertStatus(200).string("batchId");
        Map<String, Object> row = api.get("/v1/flows/" + flowId + "/step-results?batchId=" + batchId, ORG_A)
                .assertStatus(200).data().getFirst();
        return List.of((String) row.get("flowVersionId"), (String) row.get("outputPreview"));
    }

    @SuppressWarnings("unchecked")
    private static Object template(Map<String, Object> version) {
        Map<String, Object> config = (Map<String, Object>) version.get("flowConfig");
        List<Map<String, Object>> steps = (List<Map<String, Object>>) config.get("steps");
        return ((Map<String, Object>) steps.getFirst().get("config")).get("template");
    }

}
