package dev.runloom.flows;

import dev.runloom.common.tenant.Tenant;
import dev.runloom.testsupport.ApiClient;
import dev.runloom.testsupport.ApiClient.Reply;
import dev.runloom.testsupport.FakeModelServer;
import dev.runloom.testsupport.Poll;
import dev.runloom.testsupport.ServiceTest;
import dev.runloom.testsupport.ServiceTestEnvironment;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static dev.runloom.flows.FlowFixtures.awaitFinishedBatch;
import static dev.runloom.flows.FlowFixtures.createFlow;
import static dev.runloom.flows.FlowFixtures.query;
import static dev.runloom.testsupport.TestTenants.ORG_A;
import static dev.runloom.testsupport.TestTenants.ORG_B;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code POST /v1/batch/:id/replay}: a finished batch's records run again from step N; the steps before
 * N are not run — no model call (counted on the fake provider), no step result, no cost — and step N
 * sees what they produced in the old batch.
 */
@ServiceTest("flows")
class BatchReplayTest implements TestPropertyProvider {
    @Inject ApiClient<Tenant> api;
    @Inject ServiceTestEnvironment env;
    final FakeRecordsService records = new FakeRecordsService(1000);
    final FakeModelServer provider = new FakeModelServer();
    private String flowId;

    @Override
    public Map<String, String> getProperties() {
        Map<String, String> properties = new HashMap<>(records.serviceProperties());
        properties.putAll(FlowFixtures.gpt4oOn(provider));
        return properties;
    }

    @BeforeAll
    void setUp() {
        records.add("org_a", "lead", "lead", 3);
        records.add("org_a", "slow", "slow", 30);
        provider.answerByDefault(FakeModelServer.Reply.openAi("FIRST-SUMMARY", 100, 20, 0));
        flowId = createFlow(api, "Replay leads", List.of(
                Map.of("type", "prompt", "name", "Summary", "config",
                        Map.of("model", "gpt-4o", "userPrompt", "Summarise {{_record.name}}")),
                Map.of("type", "template", "name", "Combined", "config",
                        Map.of("template", "{{summary}} / {{_record.metadata.industry}}")),
                Map.of("type", "prompt", "name", "Qualify", "config",
                        Map.of("model", "gpt-4o", "userPrompt", "Qualify {{combined}}"))));
    }

    @AfterAll
    void stop() {
        records.close();
        provider.close();
    }

    private String finishedBatch() {
        String batchId = api.post("/v1/batch/flow", Map.of("flowId", flowId, "recordType", "lead"), ORG_A)
                .assertStatus(202).string("batchExecutionId");
        assertThat(awaitFinishedBatch(api, batchId, Duration.ofSeconds(30))).containsEntry("status", "completed")
                .containsEntry("processedRecords", 3);
        return batchId;
    }

    @Test
    void replayingFromTheLastStepReusesTheEarlierOutputsAndPaysOnlyForTheLastStep() {
        String original = finishedBatch();
        // from now on, a model call answers differently: had step 1 run again, step 3's prompt would show it
        provider.answerByDefault(FakeModelServer.Reply.openAi("SECOND", 50, 10, 0));
        int callsBefore = provider.requests().size();

        Reply replayed = api.post("/v1/batch/" + original + "/replay", Map.of("fromStep", 3), ORG_A).assertStatus(202);
        assertThat(replayed.body()).containsEntry("replayOf", original).containsEntry("fromStep", 3)
                .containsEntry("totalRecords", 3).containsEntry("status", "queued");
        String replay = replayed.string("batchExecutionId");
        assertThat(replay).isNotEqualTo(original);

        Map<String, Object> status = awaitFinishedBatch(api, replay, Duration.ofSeconds(30));
        assertThat(status).containsEntry("status", "completed").containsEntry("processedRecords", 3)
                .containsEntry("failedRecords", 0);
        // one model call per record (step 3), none for step 1
        List<FakeModelServer.Recorded> calls = provider.requests().subList(callsBefore, provider.requests().size());
        assertThat(calls).hasSize(3).allSatisfy(call -> assertThat(call.body())
                .contains("Qualify FIRST-SUMMARY / industry-").doesNotContain("Summarise"));

        // the new batch holds only the steps it ran, with their own tokens and cost
        Reply steps = api.get("/v1/batch/" + replay + "/records/lead_02/steps", ORG_A).assertStatus(200);
        assertThat(steps.data()).singleElement().satisfies(s -> assertThat(s).containsEntry("stepType", "prompt")
                .containsEntry("stepName", "Qualify").containsEntry("status", "completed"));
        Reply cost = api.get("/v1/batch/" + replay + "/records/lead_02/cost", ORG_A).assertStatus(200);
        assertThat(cost.body()).containsEntry("totalTokens", 60).containsEntry("promptTokens", 50);
        assertThat(query(env, "SELECT replay_of, from_step FROM batch_replays WHERE batch_id = ?", replay))
                .singleElement().isEqualTo(new LinkedHashMap<>(Map.of("replay_of", original, "from_step", 3)));
    }

    @Test
    void replayingFromTheTemplateStepOfSomeRecordsRunsItAgain() {
        String original = finishedBatch();
        int callsBefore = provider.requests().size();
        Reply replayed = api.post("/v1/batch/" + original + "/replay",
                Map.of("fromStep", 2, "recordIds", List.of("lead_01", "lead_03")), ORG_A).assertStatus(202);
        String replay = replayed.string("batchExecutionId");
        assertThat(awaitFinishedBatch(api, replay, Duration.ofSeconds(30))).containsEntry("status", "completed")
                .containsEntry("totalRecords", 2).containsEntry("processedRecords", 2);
        assertThat(provider.requests().size() - callsBefore).isEqualTo(2);
        assertThat(api.get("/v1/batch/" + replay + "/records/lead_01/steps", ORG_A).data())
                .extracting(s -> s.get("stepName")).containsExactly("Combined", "Qualify");
        api.get("/v1/batch/" + replay + "/records/lead_02/steps", ORG_A).assertProblem(404, "not_found");
    }

    @Test
    void fromStepOneRunsEverythingAgain() {
        String original = finishedBatch();
        int callsBefore = provider.requests().size();
        String replay = api.post("/v1/batch/" + original + "/replay", Map.of("fromStep", 1), ORG_A)
                .assertStatus(202).string("batchExecutionId");
        assertThat(awaitFinishedBatch(api, replay, Duration.ofSeconds(30))).containsEntry("processedRecords", 3);
        assertThat(provider.requests().size() - callsBefore).isEqualTo(6);
    }

    @Test
    void badReplaysAreClearProblems() {
        String original = finishedBatch();
        String path = "/v1/batch/" + original + "/replay";
        api.post("/v1/batch/batch_nope/replay", Map.of("fromStep", 1), ORG_A).assertProblem(404, "not_found");
        api.post(path, Map.of("fromStep", 1), ORG_B).assertProblem(404, "not_found");
        for (Object bad : List.of(0, 4, -1, 1.5, "2", true, List.of(2), Map.of("n", 2), 99999999999L)) {
            Reply reply = api.post(path, Map.of("fromStep", bad), ORG_A);
            assertThat(reply.status()).as("fromStep " + bad + ": " + reply.raw()).isEqualTo(400);
            assertThat(reply.raw()).contains("fromStep");
        }
        api.post(path, Map.of(), ORG_A).assertStatus(400);
        api.post(path, "", ORG_A).assertStatus(400);
        api.post(path, Map.of("fromStep", 2, "recordIds", List.of("lead_01", "slow_01")), ORG_A).assertStatus(400);
        api.post(path, Map.of("fromStep", 2, "recordIds", "lead_01"), ORG_A).assertStatus(400);
        api.post(path, Map.of("fromStep", 2, "recordIds", List.of(7)), ORG_A).assertStatus(400);
        api.post(path, Map.of("fromStep", 2, "flowVersion", "flowver_nope"), ORG_A).assertProblem(404, "not_found");
        api.post(path, Map.of("fromStep", 2, "options", Map.of("recordConcurrency", -3)), ORG_A).assertStatus(400);
    }

    @Test
    void aBatchStillRunningCannotBeReplayed() {
        provider.answerByDefault(FakeModelServer.Reply.openAi("ok", 10, 2, 0).delayed(200));
        try {
            String running = api.post("/v1/batch/flow", Map.of("flowId", flowId, "recordType", "slow"), ORG_A)
                    .assertStatus(202).string("batchExecutionId");
            api.post("/v1/batch/" + running + "/replay", Map.of("fromStep", 2), ORG_A).assertProblem(409, "batch_running");
            api.post("/v1/batch/" + running + "/cancel", "", ORG_A).assertStatus(200);
            Poll.until(() -> api.get("/v1/batch/status/" + running, ORG_A).body(), s -> "cancelled".equals(s.get("status")),
                    Duration.ofSeconds(10));
        } finally {
            provider.answerByDefault(FakeModelServer.Reply.openAi("FIRST-SUMMARY", 100, 20, 0));
        }
    }
}
