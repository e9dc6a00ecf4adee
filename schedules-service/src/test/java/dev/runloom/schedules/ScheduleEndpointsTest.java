package dev.runloom.schedules;

import dev.runloom.common.tenant.Tenant;
import dev.runloom.schedules.scheduler.ScheduleFirer;
import dev.runloom.testsupport.ApiClient;
import dev.runloom.testsupport.ApiClient.Reply;
import dev.runloom.testsupport.ServiceTest;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.MediaType;
import io.micronaut.test.annotation.MockBean;
import io.micronaut.test.support.TestPropertyProvider;
import io.micronaut.transaction.TransactionOperations;
import jakarta.inject.Inject;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static dev.runloom.testsupport.TestTenants.ORG_A;
import static dev.runloom.testsupport.TestTenants.ORG_B;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The schedule endpoints beyond create/get (reference S1, S4, S6, S8–S11, S14, and the static
 * routes), against the reference's shapes: list with cursors and filters, partial update with
 * recomputed fire times, pause/resume, delete, every run of the organization, statistics and
 * sparklines; the target check against flows-service / agents-service ({@link FakeTargetServices});
 * bad input as 4xx problems and tenant isolation on each. The background scheduler is off and the
 * clock is one the tests set, so every run here is one a test started, at a time it chose.
 */
@ServiceTest("schedules")
class ScheduleEndpointsTest implements TestPropertyProvider {
    private static final List<String> SCHEDULE_KEYS = List.of("id", "name", "flowId", "agentId", "recordType",
            "recordIds", "inputs", "triggerType", "cron", "timezone", "runAt", "enabled", "executionOptions",
            "missedRunPolicy", "nextRunAt", "lastRunAt", "productSurfaceId", "organizationId", "userId", "createdAt",
            "updatedAt");
    private static final List<String> RUN_KEYS = List.of("id", "scheduleId", "status", "flowId", "agentId",
            "batchExecutionId", "agentExecutionId", "totalRecords", "processedRecords", "failedRecords", "error",
            "startedAt", "completedAt", "createdAt");
    private static final String MESSAGES = "\"inputs\":{\"messages\":[{\"role\":\"user\",\"content\":\"Any news?\"}]}";

    private final MutableClock time = new MutableClock(Instant.parse("2026-05-01T10:00:00Z"));
    private final FakeTargetServices targets = new FakeTargetServices()
            .flows(ORG_A, "flow_1", "flow_2").agents(ORG_A, "agent_1").flows(ORG_B, "flow_b");

    @Inject ApiClient<Tenant> api;
    @Inject TransactionOperations<Connection> transactions;
    @Inject ScheduleFirer firer;

    @MockBean(Clock.class)
    Clock clock() {
        return time;
    }

    @Override
    public Map<String, String> getProperties() {
        Map<String, String> properties = new HashMap<>(targets.serviceProperties());
        properties.put("runloom.scheduler.enabled", "false");
        return properties;
    }

    @AfterAll
    void stopFake() {
        targets.close();
    }

    // ---- S2 create: the target must exist in the caller's organization ----------------------------

    @Test
    void createChecksTheTargetInTheCallersOrganization() {
        time.set(Instant.parse("2026-05-01T10:00:00Z"));
        String trigger = "\"trigger\":{\"type\":\"recurring\",\"cron\":\"*/5 * * * *\"}";
        Reply missing = api.post("/v1/schedules", "{\"target\":{\"flowId\":\"flow_missing\",\"recordType\":\"leads\"},"
                + trigger + "}", ORG_A).assertProblem(404, "not_found");
        assertThat(missing.string("detail")).isEqualTo("Flow 'flow_missing' was not found");
        // another organization's flow is as unknown as one that never existed, both ways
        api.post("/v1/schedules", "{\"target\":{\"flowId\":\"flow_b\",\"recordType\":\"leads\"}," + trigger + "}", ORG_A)
                .assertProblem(404, "not_found");
        api.post("/v1/schedules", "{\"target\":{\"flowId\":\"flow_1\",\"recordType\":\"leads\"}," + trigger + "}", ORG_B)
                .assertProblem(404, "not_found");
        Reply agent = api.post("/v1/schedules", "{\"target\":{\"agentId\":\"agent_x\"}," + trigger + "," + MESSAGES + "}",
                ORG_A).assertProblem(404, "not_found");
        assertThat(agent.string("detail")).isEqualTo("Agent 'agent_x' was not found");
        api.post("/v1/schedules", "{\"target\":{\"flowId\":\"flow/../1\",\"recordType\":\"leads\"}," + trigger + "}", ORG_A)
                .assertProblem(404, "not_found");
        assertThat(targets.requests).contains("org_a /v1/flows/flow_missing", "org_a /v1/flows/flow_b",
                "org_b /v1/flows/flow_1", "org_a /v1/agents/agent_x", "org_a /v1/flows/flow%2F..%2F1");

        // a 400 is answered before the peer is asked
        int asked = targets.requests.size();
        api.post("/v1/schedules", "{\"target\":{\"flowId\":\"flow_missing\",\"recordType\":\"leads\"},"
                + "\"trigger\":{\"type\":\"recurring\",\"cron\":\"0 0 * * * *\"}}", ORG_A).assertProblem(400, "invalid_cron");
        assertThat(targets.requests).hasSize(asked);

        // a peer that cannot answer: 503, retryable, nothing saved
        long before = count(ORG_A, "");
        targets.down(true);
        try {
            Reply down = api.post("/v1/schedules", "{\"target\":{\"flowId\":\"flow_1\",\"recordType\":\"leads\"}," + trigger
                    + "}", ORG_A).assertProblem(503, "target_unavailable");
            assertThat(down.body()).containsEntry("retryable", true);
            assertThat(down.string("detail")).contains("flows-service");
        } finally {
            targets.down(false);
        }
        assertThat(count(ORG_A, "")).isEqualTo(before);
        api.post("/v1/schedules", "{\"target\":{\"flowId\":\"flow_1\",\"recordType\":\"leads\"}," + trigger + "}", ORG_A)
                .assertStatus(201);
    }

    /** NUL is valid JSON and a valid URL, never storable text: a 400, on every kind of route, and nothing written. */
    @Test
    void nulCharactersAreRefusedAsTheClientsError() {
        for (String path : List.of("/v1/schedules/%00", "/v1/schedules/x%00/stats", "/v1/schedules/batch/%00/results")) {
            api.get(path, ORG_A).assertProblem(400, "invalid_text");
        }
        api.post("/v1/schedules/%00/pause", Map.of(), ORG_A).assertProblem(400, "invalid_text");
        String body = "{\"name\":\"nul\\u0000name\",\"target\":{\"flowId\":\"flow_1\",\"recordType\":\"leads\"},"
                + "\"trigger\":{\"type\":\"recurring\",\"cron\":\"*/5 * * * *\",\"timezone\":\"UTC\"}}";
        Object before = api.get("/v1/schedules?includeCount=true", ORG_A).pagination().get("totalCount");
        api.post("/v1/schedules", body, ORG_A).assertProblem(400, "invalid_text");
        assertThat(api.get("/v1/schedules?includeCount=true", ORG_A).pagination().get("totalCount")).isEqualTo(before);
    }

    @Test
    void createValidatesOptionsPolicyAndAgentMessages() {
        time.set(Instant.parse("2026-05-01T10:00:00Z"));
        String flow = "\"target\":{\"flowId\":\"flow_1\",\"recordType\":\"leads\"},\"trigger\":{\"type\":\"recurring\",\"cron\":\"*/5 * * * *\"}";
        String agent = "\"target\":{\"agentId\":\"agent_1\"},\"trigger\":{\"type\":\"recurring\",\"cron\":\"*/5 * * * *\"}";
        Map<String, String> cases = new LinkedHashMap<>();
        cases.put("{" + flow + ",\"missedRunPolicy\":\"sometimes\"}", "validation_failed");
        cases.put("{" + flow + ",\"executionOptions\":{\"chunkSize\":0}}", "validation_failed");
        cases.put("{" + flow + ",\"executionOptions\":{\"chunkSize\":1.5}}", "validation_failed");
        cases.put("{" + flow + ",\"executionOptions\":{\"recordConcurrency\":\"four\"}}", "validation_failed");
        cases.put("{" + flow + ",\"executionOptions\":{\"timeoutMs\":10}}", "validation_failed");
        // the same bounds flows-service applies, so a saved schedule never fires into a refused batch
        cases.put("{" + flow + ",\"executionOptions\":{\"chunkSize\":2001}}", "validation_failed");
        cases.put("{" + flow + ",\"executionOptions\":{\"recordConcurrency\":65}}", "validation_failed");
        cases.put("{" + flow + ",\"executionOptions\":{\"timeoutMs\":3600001}}", "validation_failed");
        cases.put("{" + flow + ",\"executionOptions\":{\"maxRetries\":-1}}", "validation_failed");
        cases.put("{" + flow + ",\"executionOptions\":{\"retryOnFailure\":\"yes\"}}", "validation_failed");
        cases.put("{" + agent + "}", "validation_failed");
        cases.put("{" + agent + ",\"inputs\":{\"messages\":[]}}", "validation_failed");
        cases.put("{" + agent + ",\"inputs\":{\"messages\":[{\"role\":\"robot\",\"content\":\"hi\"}]}}", "validation_failed");
        cases.put("{" + agent + ",\"inputs\":{\"messages\":[{\"role\":\"user\"}]}}", "validation_failed");
        cases.put("{\"target\":{\"agentId\":\"agent_1\",\"recordType\":\"leads\"},\"trigger\":{\"type\":\"recurring\",\"cron\":\"*/5 * * * *\"}," + MESSAGES + "}", "validation_failed");
        cases.forEach((body, code) -> {
            Reply reply = api.post("/v1/schedules", body, ORG_A).assertProblem(400, code);
            assertThat(reply.string("detail")).as(body).isNotBlank();
        });

        String id = api.post("/v1/schedules", "{" + flow + ",\"missedRunPolicy\":\"skip\",\"executionOptions\":"
                + "{\"chunkSize\":100,\"recordConcurrency\":8,\"progressFlushSize\":50,\"timeoutMs\":120000,\"maxRetries\":2}}",
                ORG_A).assertStatus(201).string("id");
        assertThat(schedule(id)).containsEntry("missedRunPolicy", "skip").containsEntry("executionOptions",
                Map.of("chunkSize", 100, "recordConcurrency", 8, "progressFlushSize", 50, "timeoutMs", 120000, "maxRetries", 2));
    }

    // ---- S1 list ------------------------------------------------------------------------------------

    @Test
    void listsNewestFirstWithCursorsFiltersAndCounts() {
        time.set(Instant.parse("2026-05-02T10:00:00Z"));
        String owner = "list_" + System.nanoTime();   // a flow of this test's own, so other tests' schedules don't count
        targets.flows(ORG_A, owner);
        List<String> created = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            time.set(time.instant().plusSeconds(1));
            created.add(api.post("/v1/schedules", "{\"name\":\"L" + i + "\",\"target\":{\"flowId\":\"" + owner
                    + "\",\"recordType\":\"leads\"},\"trigger\":{\"type\":\"recurring\",\"cron\":\"0 * * * *\"},\"enabled\":"
                    + (i != 1) + "}", ORG_A).assertStatus(201).string("id"));
        }
        List<String> newestFirst = created.reversed();

        Reply first = api.get("/v1/schedules?flowId=" + owner + "&limit=2", ORG_A).assertStatus(200);
        assertThat(first.body()).containsOnlyKeys("data", "pagination");
        assertThat(first.data()).allSatisfy(s -> assertThat(s).containsOnlyKeys(SCHEDULE_KEYS));
        assertThat(ids(first)).containsExactlyElementsOf(newestFirst.subList(0, 2));
        assertThat(first.pagination()).containsOnlyKeys("nextCursor", "prevCursor", "hasMore", "hasPrev", "limit", "currentOffset")
                .containsEntry("hasMore", true).containsEntry("hasPrev", false).containsEntry("limit", 2)
                .containsEntry("currentOffset", 0).containsEntry("prevCursor", null);
        Reply second = api.get("/v1/schedules?flowId=" + owner + "&limit=2&cursor=" + first.pagination().get("nextCursor"), ORG_A)
                .assertStatus(200);
        assertThat(ids(second)).containsExactlyElementsOf(newestFirst.subList(2, 4));
        assertThat(second.pagination()).containsEntry("hasPrev", true).containsEntry("currentOffset", 2);
        Reply last = api.get("/v1/schedules?flowId=" + owner + "&limit=2&includeCount=true&cursor="
                + second.pagination().get("nextCursor"), ORG_A).assertStatus(200);
        assertThat(ids(last)).containsExactly(newestFirst.get(4));
        assertThat(last.pagination()).containsEntry("hasMore", false).containsEntry("nextCursor", null)
                .containsEntry("currentOffset", 4).containsEntry("totalCount", 5).containsEntry("totalPages", 3)
                .containsEntry("currentPage", 3);

        assertThat(ids(api.get("/v1/schedules?flowId=" + owner + "&enabled=false", ORG_A))).containsExactly(created.get(1));
        assertThat(ids(api.get("/v1/schedules?flowId=" + owner + "&enabled=true&limit=100", ORG_A))).hasSize(4);
        assertThat(api.get("/v1/schedules?flowId=" + owner + "&agentId=agent_1", ORG_A).data()).isEmpty();
        String agentSchedule = api.post("/v1/schedules", "{\"target\":{\"agentId\":\"agent_1\"},\"trigger\":"
                + "{\"type\":\"recurring\",\"cron\":\"0 * * * *\"}," + MESSAGES + "}", ORG_A).assertStatus(201).string("id");
        assertThat(ids(api.get("/v1/schedules?agentId=agent_1&limit=100", ORG_A))).contains(agentSchedule)
                .doesNotContainAnyElementsOf(created);

        // another organization sees none of them
        assertThat(api.get("/v1/schedules?flowId=" + owner, ORG_B).data()).isEmpty();
        assertThat(ids(api.get("/v1/schedules?limit=100", ORG_B))).doesNotContainAnyElementsOf(created);

        for (String query : List.of("limit=0", "limit=101", "limit=ten", "cursor=nonsense", "includeCount=maybe",
                "enabled=perhaps")) {
            Reply bad = api.get("/v1/schedules?" + query, ORG_A).assertProblem(400, "invalid_parameter");
            assertThat(bad.string("detail")).contains("'" + query.substring(0, query.indexOf('=')) + "'");
        }
    }

    // ---- S8 update ----------------------------------------------------------------------------------

    @Test
    void updatesPartiallyAndRecomputesTheNextFireTime() {
        time.set(Instant.parse("2026-05-01T10:00:00Z"));   // a Friday; 06:00 in New York
        String id = api.post("/v1/schedules", """
                {"name":"Daily","target":{"flowId":"flow_1","recordType":"leads"},
                 "trigger":{"type":"recurring","cron":"0 8 * * *"},"inputs":{"tone":"brief"}}""", ORG_A)
                .assertStatus(201).string("id");
        Map<String, Object> created = schedule(id);
        assertThat(created).containsEntry("nextRunAt", "2026-05-02T08:00:00Z");

        time.set(Instant.parse("2026-05-01T10:00:01Z"));
        int asked = targets.requests.size();
        Map<String, Object> renamed = put(id, "{\"name\":\"Renamed\"}", ORG_A).assertStatus(200).body();
        assertThat(renamed).containsOnlyKeys(SCHEDULE_KEYS).containsEntry("name", "Renamed")
                .containsEntry("cron", "0 8 * * *").containsEntry("nextRunAt", "2026-05-02T08:00:00Z")
                .containsEntry("inputs", Map.of("tone", "brief")).containsEntry("createdAt", created.get("createdAt"))
                .containsEntry("updatedAt", "2026-05-01T10:00:01Z");
        assertThat(schedule(id)).isEqualTo(renamed);

        // a new time zone keeps the cron and recomputes: 08:00 in New York (EDT) is 12:00Z today
        assertThat(put(id, "{\"trigger\":{\"timezone\":\"America/New_York\"}}", ORG_A).assertStatus(200).body())
                .containsEntry("timezone", "America/New_York").containsEntry("cron", "0 8 * * *")
                .containsEntry("nextRunAt", "2026-05-01T12:00:00Z");
        // a new cron keeps the zone
        assertThat(put(id, "{\"trigger\":{\"cron\":\"30 9 * * MON-FRI\"}}", ORG_A).body())
                .containsEntry("triggerType", "cron").containsEntry("cron", "30 9 * * MON-FRI")
                .containsEntry("nextRunAt", "2026-05-01T13:30:00Z");
        // a one-time trigger: the local runAt is in the schedule's zone
        assertThat(put(id, "{\"trigger\":{\"type\":\"one-time\",\"runAt\":\"2026-05-03T09:00:00\"}}", ORG_A).body())
                .containsEntry("triggerType", "once").containsEntry("cron", null)
                .containsEntry("runAt", "2026-05-03T13:00:00Z").containsEntry("nextRunAt", "2026-05-03T13:00:00Z");
        // back to recurring: a cron is required again
        put(id, "{\"trigger\":{\"type\":\"recurring\"}}", ORG_A).assertProblem(400, "invalid_cron");
        assertThat(put(id, "{\"trigger\":{\"type\":\"recurring\",\"cron\":\"0 8 * * *\",\"timezone\":\"UTC\"}}", ORG_A).body())
                .containsEntry("runAt", null).containsEntry("nextRunAt", "2026-05-02T08:00:00Z");

        // options, inputs, policy, and the record fields of the same flow: no peer is asked
        Map<String, Object> tuned = put(id, """
                {"inputs":{"tone":"long"},"executionOptions":{"chunkSize":25},"missedRunPolicy":"skip",
                 "target":{"recordType":"contacts","recordIds":["rec_1"]}}""", ORG_A).assertStatus(200).body();
        assertThat(tuned).containsEntry("inputs", Map.of("tone", "long")).containsEntry("executionOptions", Map.of("chunkSize", 25))
                .containsEntry("missedRunPolicy", "skip").containsEntry("flowId", "flow_1")
                .containsEntry("recordType", "contacts").containsEntry("recordIds", List.of("rec_1"))
                .containsEntry("nextRunAt", "2026-05-02T08:00:00Z");
        assertThat(targets.requests).hasSize(asked);

        // a new target is checked like on create
        Reply missing = put(id, "{\"target\":{\"flowId\":\"flow_missing\"}}", ORG_A).assertProblem(404, "not_found");
        assertThat(missing.string("detail")).isEqualTo("Flow 'flow_missing' was not found");
        put(id, "{\"target\":{\"flowId\":\"flow_b\"}}", ORG_A).assertProblem(404, "not_found");
        assertThat(put(id, "{\"target\":{\"flowId\":\"flow_2\"}}", ORG_A).assertStatus(200).body())
                .containsEntry("flowId", "flow_2").containsEntry("recordType", "contacts");
        put(id, "{\"target\":{\"agentId\":\"agent_1\"}}", ORG_A).assertProblem(400, "validation_failed");
        assertThat(put(id, "{\"target\":{\"agentId\":\"agent_1\"}," + MESSAGES + "}", ORG_A).assertStatus(200).body())
                .containsEntry("agentId", "agent_1").containsEntry("flowId", null).containsEntry("recordType", null)
                .containsEntry("recordIds", null);

        // off clears the next fire; on again recomputes it from now
        time.set(Instant.parse("2026-05-02T09:00:00Z"));
        assertThat(put(id, "{\"enabled\":false}", ORG_A).body()).containsEntry("enabled", false).containsEntry("nextRunAt", null);
        assertThat(put(id, "{\"enabled\":true}", ORG_A).body()).containsEntry("enabled", true)
                .containsEntry("nextRunAt", "2026-05-03T08:00:00Z");

        // every bad update is a 400 and changes nothing
        Map<String, Object> before = schedule(id);
        String past = "2026-05-01T09:00:00Z";
        Map<String, String> cases = new LinkedHashMap<>();
        cases.put("{\"target\":{\"flowId\":\"flow_1\",\"agentId\":\"agent_1\"}}", "validation_failed");
        cases.put("{\"target\":{\"flowId\":\"flow_1\"}}", "validation_failed");
        cases.put("{\"trigger\":{\"timezone\":\"Mars/Olympus\"}}", "invalid_timezone");
        cases.put("{\"trigger\":{\"cron\":\"0 0 * * * *\"}}", "invalid_cron");
        cases.put("{\"trigger\":{\"type\":\"weekly\"}}", "validation_failed");
        cases.put("{\"trigger\":{\"type\":\"one-time\",\"runAt\":\"" + past + "\"}}", "invalid_run_at");
        cases.put("{\"trigger\":{\"type\":\"one-time\"}}", "invalid_run_at");
        cases.put("{\"missedRunPolicy\":\"never\"}", "validation_failed");
        cases.put("{\"executionOptions\":{\"recordConcurrency\":0}}", "validation_failed");
        cases.put("{\"inputs\":{\"messages\":\"hello\"}}", "validation_failed");
        cases.put("{\"name\":\"" + "n".repeat(201) + "\"}", "validation_failed");
        cases.put("{\"name\": ", "malformed_json");
        cases.forEach((body, code) -> put(id, body, ORG_A).assertProblem(400, code));
        assertThat(schedule(id)).isEqualTo(before);

        put("sched_missing", "{\"name\":\"x\"}", ORG_A).assertProblem(404, "not_found");
        put(id, "{\"name\":\"stolen\"}", ORG_B).assertProblem(404, "not_found");
        assertThat(schedule(id)).isEqualTo(before);
    }

    // ---- S10/S11 pause and resume, S9 delete ---------------------------------------------------------

    @Test
    void pauseAndResumeAreIdempotentAndResumeStartsFromNow() {
        time.set(Instant.parse("2026-05-04T10:00:30Z"));
        String id = create(ORG_A, "*/5 * * * *");
        assertThat(schedule(id)).containsEntry("nextRunAt", "2026-05-04T10:05:00Z");

        time.set(Instant.parse("2026-05-04T10:01:00Z"));
        Map<String, Object> paused = api.post("/v1/schedules/" + id + "/pause", "", ORG_A).assertStatus(200).body();
        assertThat(paused).containsOnlyKeys(SCHEDULE_KEYS).containsEntry("enabled", false).containsEntry("nextRunAt", null)
                .containsEntry("updatedAt", "2026-05-04T10:01:00Z");
        time.set(Instant.parse("2026-05-04T10:02:00Z"));
        assertThat(api.post("/v1/schedules/" + id + "/pause", "", ORG_A).assertStatus(200).body()).isEqualTo(paused);

        // twelve minutes later: the fire times in between are not made up for
        time.set(Instant.parse("2026-05-04T10:17:10Z"));
        Map<String, Object> resumed = api.post("/v1/schedules/" + id + "/resume", "", ORG_A).assertStatus(200).body();
        assertThat(resumed).containsEntry("enabled", true).containsEntry("nextRunAt", "2026-05-04T10:20:00Z")
                .containsEntry("updatedAt", "2026-05-04T10:17:10Z");
        assertThat(api.post("/v1/schedules/" + id + "/resume", "", ORG_A).assertStatus(200).body()).isEqualTo(resumed);
        assertThat(api.get("/v1/schedules/" + id + "/runs", ORG_A).data()).isEmpty();

        // a one-time schedule resumes to its runAt while it is ahead, and not once it has passed
        String once = api.post("/v1/schedules", """
                {"target":{"flowId":"flow_1","recordType":"leads"},"trigger":{"type":"one-time","runAt":"2026-05-04T11:00:00Z"}}""",
                ORG_A).assertStatus(201).string("id");
        api.post("/v1/schedules/" + once + "/pause", "", ORG_A).assertStatus(200);
        assertThat(api.post("/v1/schedules/" + once + "/resume", "", ORG_A).assertStatus(200).body())
                .containsEntry("nextRunAt", "2026-05-04T11:00:00Z");
        api.post("/v1/schedules/" + once + "/pause", "", ORG_A).assertStatus(200);
        time.set(Instant.parse("2026-05-04T11:30:00Z"));
        Reply passed = api.post("/v1/schedules/" + once + "/resume", "", ORG_A).assertProblem(409, "run_at_passed");
        assertThat(passed.string("detail")).contains("runAt");
        assertThat(schedule(once)).containsEntry("enabled", false);

        for (String action : List.of("pause", "resume")) {
            api.post("/v1/schedules/" + id + "/" + action, "", ORG_B).assertProblem(404, "not_found");
            api.post("/v1/schedules/sched_missing/" + action, "", ORG_A).assertProblem(404, "not_found");
        }
        assertThat(schedule(id)).isEqualTo(resumed);
    }

    @Test
    void deleteRemovesTheScheduleWithItsRuns() {
        time.set(Instant.parse("2026-05-05T10:00:00Z"));
        String id = create(ORG_A, "*/5 * * * *");
        String runId = api.post("/v1/schedules/" + id + "/run", "", ORG_A).assertStatus(200).string("runId");
        // an action's body is validated, not ignored: fields or malformed JSON start nothing
        api.post("/v1/schedules/" + id + "/run", "{\"recordType\":\"x\"}", ORG_A).assertProblem(400, "validation_failed");
        api.post("/v1/schedules/" + id + "/run", "{not json", ORG_A).assertProblem(400, "malformed_json");

        api.send(HttpRequest.DELETE("/v1/schedules/" + id), ORG_B).assertProblem(404, "not_found");
        schedule(id);
        Reply deleted = api.send(HttpRequest.DELETE("/v1/schedules/" + id), ORG_A).assertStatus(200);
        assertThat(deleted.body()).isEqualTo(Map.of("success", true));
        api.get("/v1/schedules/" + id, ORG_A).assertProblem(404, "not_found");
        api.get("/v1/schedules/" + id + "/runs", ORG_A).assertProblem(404, "not_found");
        api.get("/v1/schedules/runs/" + runId + "/results", ORG_A).assertProblem(404, "not_found");
        api.send(HttpRequest.DELETE("/v1/schedules/" + id), ORG_A).assertProblem(404, "not_found");
        api.post("/v1/schedules/" + id + "/run", "", ORG_A).assertProblem(404, "not_found");
    }

    // ---- S4 every run -------------------------------------------------------------------------------

    @Test
    void listsEveryRunOfTheOrganizationWithFilters() {
        time.set(Instant.parse("2027-01-10T09:00:00Z"));
        String x = create(ORG_A, "0 3 * * *");
        String y = create(ORG_A, "0 4 * * *");
        List<String> runs = new ArrayList<>();
        for (String schedule : List.of(x, y, x, y)) {
            time.set(time.instant().plusSeconds(60));
            runs.add(api.post("/v1/schedules/" + schedule + "/run", "", ORG_A).assertStatus(200).string("runId"));
        }
        finish(runs.get(0), "completed", "2027-01-10T09:01:00Z", "2027-01-10T09:01:05Z");
        String window = "from=2027-01-10T00:00:00Z&to=2027-01-11";

        Reply all = api.get("/v1/schedules/runs?" + window, ORG_A).assertStatus(200);
        assertThat(all.body()).containsOnlyKeys("data", "pagination");
        assertThat(all.pagination()).containsOnlyKeys("hasMore", "limit", "offset", "total")
                .containsEntry("total", 4).containsEntry("limit", 50).containsEntry("offset", 0).containsEntry("hasMore", false);
        assertThat(ids(all)).containsExactlyElementsOf(runs.reversed());
        assertThat(all.data()).allSatisfy(r -> assertThat(r).containsOnlyKeys(RUN_KEYS));

        Reply page = api.get("/v1/schedules/runs?" + window + "&limit=1&offset=1", ORG_A).assertStatus(200);
        assertThat(ids(page)).containsExactly(runs.get(2));
        assertThat(page.pagination()).containsEntry("hasMore", true).containsEntry("total", 4);
        assertThat(ids(api.get("/v1/schedules/runs?scheduleId=" + x, ORG_A))).containsExactly(runs.get(2), runs.get(0));
        assertThat(ids(api.get("/v1/schedules/runs?" + window + "&status=completed", ORG_A))).containsExactly(runs.get(0));
        assertThat(ids(api.get("/v1/schedules/runs?scheduleId=" + y + "&status=pending", ORG_A)))
                .containsExactly(runs.get(3), runs.get(1));
        // from inclusive, to exclusive
        assertThat(ids(api.get("/v1/schedules/runs?from=2027-01-10T09:02:00Z&to=2027-01-10T09:04:00Z", ORG_A)))
                .containsExactly(runs.get(2), runs.get(1));

        // another organization: nothing
        Reply foreign = api.get("/v1/schedules/runs?scheduleId=" + x, ORG_B).assertStatus(200);
        assertThat(foreign.data()).isEmpty();
        assertThat(foreign.pagination()).containsEntry("total", 0);
        assertThat(api.get("/v1/schedules/runs?" + window, ORG_B).data()).isEmpty();

        for (String query : List.of("status=done", "from=yesterday", "to=soon", "limit=0", "limit=101", "offset=-1",
                "from=2027-02-01&to=2027-01-01")) {
            Reply bad = api.get("/v1/schedules/runs?" + query, ORG_A).assertProblem(400, "invalid_parameter");
            assertThat(bad.string("detail")).contains("'" + query.substring(0, query.indexOf('=')) + "'");
        }
    }

    // ---- S14 statistics, S6 sparklines --------------------------------------------------------------

    @Test
    void statisticsAndSparklinesCountFinishedRunsPerDay() {
        time.set(Instant.parse("2026-04-30T12:00:00Z"));
        String s = create(ORG_A, "0 6 * * *");
        String old = runAt(s, "2026-05-01T10:00:00Z");               // outside a 7-day window ending 10 May
        finish(old, "completed", "2026-05-01T10:00:00Z", "2026-05-01T10:00:01Z");
        finish(runAt(s, "2026-05-08T10:00:00Z"), "completed", "2026-05-08T10:00:00Z", "2026-05-08T10:00:02Z");
        finish(runAt(s, "2026-05-08T10:05:00Z"), "failed", "2026-05-08T10:05:00Z", "2026-05-08T10:05:04Z");
        finish(runAt(s, "2026-05-09T23:59:59Z"), "partial", "2026-05-09T23:59:59Z", "2026-05-10T00:00:02Z");
        runAt(s, "2026-05-10T05:00:00Z");                            // still pending
        // the scheduler's fire at 06:00 meets the pending run: recorded as skipped, not a run
        time.set(Instant.parse("2026-05-10T06:00:00Z"));
        assertThat(firer.fireDue(100)).isPositive();
        assertThat(api.get("/v1/schedules/" + s + "/runs", ORG_A).data().get(0)).containsEntry("status", "skipped");
        time.set(Instant.parse("2026-05-10T09:00:00Z"));
        String quiet = create(ORG_A, "0 7 * * *");

        Reply stats = api.get("/v1/schedules/" + s + "/stats", ORG_A).assertStatus(200);
        assertThat(stats.body()).containsOnlyKeys("totalRuns", "successfulRuns", "failedRuns", "successRate",
                        "avgDurationMs", "lastRunAt", "nextRunAt")
                .containsEntry("totalRuns", 5).containsEntry("successfulRuns", 2).containsEntry("failedRuns", 2)
                .containsEntry("successRate", 50.0).containsEntry("avgDurationMs", 2500)
                .containsEntry("lastRunAt", schedule(s).get("lastRunAt")).containsEntry("nextRunAt", "2026-05-11T06:00:00Z");
        assertThat(api.get("/v1/schedules/" + quiet + "/stats", ORG_A).body()).containsEntry("totalRuns", 0)
                .containsEntry("successfulRuns", 0).containsEntry("failedRuns", 0).containsEntry("successRate", null)
                .containsEntry("avgDurationMs", null).containsEntry("lastRunAt", null);

        Reply three = api.get("/v1/schedules/sparklines?days=3&scheduleIds=" + quiet + "," + s + ",sched_unknown", ORG_A)
                .assertStatus(200);
        assertThat(three.body()).containsOnlyKeys("data");
        Map<String, Object> lines = three.map("data");
        assertThat(lines.keySet()).containsExactly(quiet, s);
        assertThat(lines.get(s)).isEqualTo(List.of(
                Map.of("date", "2026-05-08", "success", 1, "failed", 1),
                Map.of("date", "2026-05-09", "success", 0, "failed", 1),
                Map.of("date", "2026-05-10", "success", 0, "failed", 0)));
        assertThat(lines.get(quiet)).isEqualTo(List.of(
                Map.of("date", "2026-05-08", "success", 0, "failed", 0),
                Map.of("date", "2026-05-09", "success", 0, "failed", 0),
                Map.of("date", "2026-05-10", "success", 0, "failed", 0)));

        // default: seven days, every schedule of the organization
        Map<String, Object> week = api.get("/v1/schedules/sparklines", ORG_A).assertStatus(200).map("data");
        assertThat(week).containsKeys(s, quiet);
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> line = (List<Map<String, Object>>) week.get(s);
        assertThat(line).extracting(d -> d.get("date")).containsExactly("2026-05-04", "2026-05-05", "2026-05-06",
                "2026-05-07", "2026-05-08", "2026-05-09", "2026-05-10");
        assertThat(api.get("/v1/schedules/sparklines?days=90&scheduleIds=" + s, ORG_A).assertStatus(200).map("data")
                .get(s)).asInstanceOf(InstanceOfAssertFactories.LIST).hasSize(90).first()
                .isEqualTo(Map.of("date", "2026-02-10", "success", 0, "failed", 0));

        // another organization: 404 for the statistics, nothing in the sparklines
        api.get("/v1/schedules/" + s + "/stats", ORG_B).assertProblem(404, "not_found");
        api.get("/v1/schedules/sched_missing/stats", ORG_A).assertProblem(404, "not_found");
        assertThat(api.get("/v1/schedules/sparklines?scheduleIds=" + s, ORG_B).map("data")).isEmpty();
        assertThat(api.get("/v1/schedules/sparklines", ORG_B).map("data")).doesNotContainKeys(s, quiet);

        String tooMany = String.join(",", java.util.Collections.nCopies(101, "x").stream()
                .map(v -> v + System.nanoTime()).toList());
        for (String query : List.of("days=0", "days=91", "days=week", "scheduleIds=" + tooMany)) {
            Reply bad = api.get("/v1/schedules/sparklines?" + query, ORG_A).assertProblem(400, "invalid_parameter");
            assertThat(bad.string("detail")).contains("'" + query.substring(0, query.indexOf('=')) + "'");
        }
    }

    // ---- routing ------------------------------------------------------------------------------------

    @Test
    void staticRoutesWinOverScheduleIds() {
        assertThat(api.get("/v1/schedules/runs", ORG_A).assertStatus(200).body()).containsKeys("data", "pagination");
        assertThat(api.get("/v1/schedules/sparklines", ORG_A).assertStatus(200).body()).containsOnlyKeys("data");
        Reply batch = api.get("/v1/schedules/batch/batch_x/results", ORG_A).assertProblem(404, "not_found");
        assertThat(batch.string("detail")).isEqualTo("Batch 'batch_x' was not found");
        for (String query : List.of("limit=0", "offset=-1", "status=done")) {
            api.get("/v1/schedules/batch/batch_x/results?" + query, ORG_A).assertProblem(400, "invalid_parameter");
        }
        api.send(HttpRequest.GET("/v1/schedules/runs")).assertProblem(401, "unauthorized");
        api.send(HttpRequest.GET("/v1/schedules/sparklines")).assertProblem(401, "unauthorized");
    }

    // ---- helpers ------------------------------------------------------------------------------------

    private String create(Tenant tenant, String cron) {
        return api.post("/v1/schedules", "{\"target\":{\"flowId\":\"flow_1\",\"recordType\":\"leads\"},"
                + "\"trigger\":{\"type\":\"recurring\",\"cron\":\"" + cron + "\"}}", tenant).assertStatus(201).string("id");
    }

    /** A manual run created at {@code at}. */
    private String runAt(String scheduleId, String at) {
        time.set(Instant.parse(at));
        return api.post("/v1/schedules/" + scheduleId + "/run", "", ORG_A).assertStatus(200).string("runId");
    }

    private Map<String, Object> schedule(String id) {
        return api.get("/v1/schedules/" + id, ORG_A).assertStatus(200).body();
    }

    private Reply put(String id, String body, Tenant tenant) {
        return api.send(HttpRequest.PUT("/v1/schedules/" + id, body).contentType(MediaType.APPLICATION_JSON_TYPE), tenant);
    }

    private long count(Tenant tenant, String query) {
        return ((Number) api.get("/v1/schedules?includeCount=true" + query, tenant).assertStatus(200).pagination()
                .get("totalCount")).longValue();
    }

    private static List<Object> ids(Reply reply) {
        return reply.data().stream().map(r -> r.get("id")).toList();
    }

    /** What flows-service's batch events would leave: a final status and the batch's start and end. */
    private void finish(String runId, String status, String startedAt, String completedAt) {
        transactions.executeWrite(tx -> {
            try (PreparedStatement update = tx.getConnection().prepareStatement(
                    "UPDATE schedule_runs SET status = ?, started_at = ?::timestamptz, completed_at = ?::timestamptz WHERE id = ?")) {
                update.setString(1, status);
                update.setString(2, startedAt);
                update.setString(3, completedAt);
                update.setString(4, runId);
                assertThat(update.executeUpdate()).isEqualTo(1);
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
            return null;
        });
    }
}
