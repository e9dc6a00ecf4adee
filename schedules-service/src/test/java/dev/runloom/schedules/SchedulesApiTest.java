package dev.runloom.schedules;

import dev.runloom.agents.events.AgentEvents;
import dev.runloom.agents.events.AgentExecutionCompletedV1;
import dev.runloom.common.id.Ids;
import dev.runloom.common.tenant.Tenant;
import dev.runloom.events.EventStream;
import dev.runloom.events.EventType;
import dev.runloom.flows.events.BatchCompletedV1;
import dev.runloom.flows.events.BatchStartedV1;
import dev.runloom.flows.events.FlowEvents;
import dev.runloom.flows.events.RecordExecutionCompletedV1;
import dev.runloom.flows.events.RecordExecutionCompletedV1.PromptResultV1;
import dev.runloom.flows.events.RecordRefV1;
import dev.runloom.kernel.events.CloudEventCodec;
import dev.runloom.kernel.events.TopicNames;
import dev.runloom.schedules.events.ScheduleEvents;
import dev.runloom.schedules.events.ScheduleRunRequestedV1;
import dev.runloom.schedules.events.ScheduleRunRequestedV1.ExecutionOptionsV1;
import dev.runloom.testsupport.ApiClient;
import dev.runloom.testsupport.ApiClient.Reply;
import dev.runloom.testsupport.KafkaTestTopics;
import dev.runloom.testsupport.Poll;
import dev.runloom.testsupport.ServiceTest;
import io.cloudevents.CloudEvent;
import io.micronaut.http.HttpRequest;
import io.micronaut.json.JsonMapper;
import io.micronaut.test.support.TestPropertyProvider;
import io.micronaut.transaction.TransactionOperations;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static dev.runloom.testsupport.TestTenants.ORG_A;
import static dev.runloom.testsupport.TestTenants.ORG_B;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Schedules over HTTP (create, get, bad input, run now, history, results) and through Kafka: the
 * run-requested event really leaves, and flows-service's batch and execution events and
 * agents-service's completion events (produced here as CloudEvents) drive a run to its end and
 * fill its results. The background scheduler is off in this class so only the runs the tests
 * start exist; flows and agents exist in {@link FakeTargetServices}.
 */
@ServiceTest("schedules")
class SchedulesApiTest implements TestPropertyProvider {
    private static final List<String> SCHEDULE_KEYS = List.of("id", "name", "flowId", "agentId", "recordType",
            "recordIds", "inputs", "triggerType", "cron", "timezone", "runAt", "enabled", "executionOptions",
            "missedRunPolicy", "nextRunAt", "lastRunAt", "productSurfaceId", "organizationId", "userId", "createdAt", "updatedAt");
    private static final List<String> RUN_KEYS = List.of("id", "scheduleId", "status", "flowId", "agentId",
            "batchExecutionId", "agentExecutionId", "totalRecords", "processedRecords", "failedRecords", "error",
            "startedAt", "completedAt", "createdAt");
    private static final List<String> RESULT_KEYS = List.of("agentExecutionId", "createdAt", "error", "executedAt",
            "failedAt", "flowId", "flowName", "record", "recordId", "recordResultId", "status");

    @Inject ApiClient<Tenant> api;
    @Inject JsonMapper json;
    @Inject TopicNames topics;
    @Inject KafkaTestTopics kafka;
    @Inject TransactionOperations<Connection> transactions;

    private final FakeTargetServices targets = new FakeTargetServices()
            .flows(ORG_A, "flow_abc", "flow_1", "flow_enrich").agents(ORG_A, "agent_1");

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

    // ---- create and get ----------------------------------------------------------------------

    @Test
    void createsARecurringScheduleAndReturnsTheFlatObject() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", "Nightly enrichment");
        body.put("target", Map.of("flowId", "flow_abc", "recordType", "customers"));
        body.put("trigger", Map.of("type", "recurring", "cron", "0 8 * * MON-FRI", "timezone", "America/New_York"));
        body.put("inputs", Map.of("tone", "friendly", "limits", Map.of("max", 3)));
        body.put("executionOptions", Map.of("chunkSize", 50, "recordConcurrency", 4, "timeoutMs", 60000));

        Reply created = api.post("/v1/schedules", body, ORG_A).assertStatus(201);
        assertThat(created.body()).containsOnlyKeys("id", "status").containsEntry("status", "created");
        String id = created.string("id");
        assertThat(id).startsWith("sched_");

        Reply got = api.get("/v1/schedules/" + id, ORG_A).assertStatus(200);
        Map<String, Object> s = got.body();
        assertThat(s).containsOnlyKeys(SCHEDULE_KEYS);
        assertThat(s).containsEntry("id", id).containsEntry("name", "Nightly enrichment")
                .containsEntry("flowId", "flow_abc").containsEntry("agentId", null)
                .containsEntry("recordType", "customers").containsEntry("recordIds", null)
                .containsEntry("inputs", Map.of("tone", "friendly", "limits", Map.of("max", 3)))
                .containsEntry("triggerType", "cron").containsEntry("cron", "0 8 * * MON-FRI")
                .containsEntry("timezone", "America/New_York").containsEntry("runAt", null)
                .containsEntry("enabled", true)
                .containsEntry("executionOptions", Map.of("chunkSize", 50, "recordConcurrency", 4, "timeoutMs", 60000))
                .containsEntry("missedRunPolicy", "fire_once")
                .containsEntry("lastRunAt", null).containsEntry("productSurfaceId", null)
                .containsEntry("organizationId", "org_a").containsEntry("userId", "user_a");
        // next 08:00 New York time on a weekday, written as ISO-8601 UTC
        Instant next = Instant.parse(s.get("nextRunAt").toString());
        assertThat(next).isAfter(Instant.now());
        assertThat(next.atZone(ZoneId.of("America/New_York")).getHour()).isEqualTo(8);
        assertThat(s.get("createdAt").toString()).endsWith("Z");
        assertThat(s.get("updatedAt")).isEqualTo(s.get("createdAt"));
    }

    @Test
    void createsAOneTimeScheduleWithDefaults() {
        String runAt = Instant.now().plus(2, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS).toString();
        String id = api.post("/v1/schedules", """
                        {"target":{"flowId":"flow_1","recordType":"leads","recordIds":["rec_1","rec_2"]},
                         "trigger":{"type":"one-time","runAt":"%s"}}""".formatted(runAt), ORG_A)
                .assertStatus(201).string("id");

        Map<String, Object> s = api.get("/v1/schedules/" + id, ORG_A).assertStatus(200).body();
        assertThat(s).containsOnlyKeys(SCHEDULE_KEYS);
        assertThat(s).containsEntry("name", "Untitled schedule").containsEntry("triggerType", "once")
                .containsEntry("cron", null).containsEntry("timezone", "UTC").containsEntry("runAt", runAt)
                .containsEntry("nextRunAt", runAt).containsEntry("recordIds", List.of("rec_1", "rec_2"))
                .containsEntry("inputs", Map.of()).containsEntry("executionOptions", Map.of());
    }

    @Test
    void aDisabledScheduleHasNoNextRun() {
        String id = api.post("/v1/schedules", """
                {"target":{"flowId":"flow_1","recordType":"leads"},"trigger":{"type":"recurring","cron":"*/5 * * * *"},
                 "enabled":false}""", ORG_A).assertStatus(201).string("id");
        assertThat(api.get("/v1/schedules/" + id, ORG_A).body())
                .containsEntry("enabled", false).containsEntry("nextRunAt", null);
    }

    @Test
    void rejectsBadCreateRequestsWithProblems() {
        String future = Instant.now().plus(1, ChronoUnit.DAYS).toString();
        String past = Instant.now().minus(1, ChronoUnit.MINUTES).toString();
        String target = "\"target\":{\"flowId\":\"flow_1\",\"recordType\":\"leads\"}";
        Map<String, String> cases = new LinkedHashMap<>();
        cases.put("{\"target\": ", "malformed_json");
        cases.put("{\"trigger\":{\"type\":\"recurring\",\"cron\":\"* * * * *\"}}", "validation_failed");
        cases.put("{\"target\":{\"recordType\":\"leads\"},\"trigger\":{\"type\":\"recurring\",\"cron\":\"* * * * *\"}}", "validation_failed");
        cases.put("{\"target\":{\"flowId\":\"flow_1\"},\"trigger\":{\"type\":\"recurring\",\"cron\":\"* * * * *\"}}", "validation_failed");
        // an agent target needs the messages its run starts with
        cases.put("{\"target\":{\"agentId\":\"agent_1\"},\"trigger\":{\"type\":\"recurring\",\"cron\":\"* * * * *\"}}", "validation_failed");
        // exactly one of flowId and agentId
        cases.put("{\"target\":{},\"trigger\":{\"type\":\"recurring\",\"cron\":\"* * * * *\"}}", "validation_failed");
        cases.put("{\"target\":{\"flowId\":\"flow_1\",\"recordType\":\"leads\",\"agentId\":\"agent_1\"},\"trigger\":{\"type\":\"recurring\",\"cron\":\"* * * * *\"}}", "validation_failed");
        cases.put("{" + target + "}", "validation_failed");
        cases.put("{" + target + ",\"trigger\":{\"type\":\"weekly\",\"cron\":\"* * * * *\"}}", "validation_failed");
        cases.put("{" + target + ",\"trigger\":{\"type\":\"recurring\"}}", "invalid_cron");
        cases.put("{" + target + ",\"trigger\":{\"type\":\"recurring\",\"cron\":\"61 * * * *\"}}", "invalid_cron");
        cases.put("{" + target + ",\"trigger\":{\"type\":\"recurring\",\"cron\":\"0 0 * * * *\"}}", "invalid_cron");
        cases.put("{" + target + ",\"trigger\":{\"type\":\"recurring\",\"cron\":\"every day\"}}", "invalid_cron");
        cases.put("{" + target + ",\"trigger\":{\"type\":\"recurring\",\"cron\":\"0 0 30 2 *\"}}", "invalid_cron");
        cases.put("{" + target + ",\"trigger\":{\"type\":\"recurring\",\"cron\":\"* * * * *\",\"timezone\":\"Mars/Olympus\"}}", "invalid_timezone");
        cases.put("{" + target + ",\"trigger\":{\"type\":\"recurring\",\"cron\":\"* * * * *\",\"timezone\":\"+02:00\"}}", "invalid_timezone");
        cases.put("{" + target + ",\"trigger\":{\"type\":\"one-time\"}}", "invalid_run_at");
        cases.put("{" + target + ",\"trigger\":{\"type\":\"one-time\",\"runAt\":\"" + past + "\"}}", "invalid_run_at");
        cases.put("{" + target + ",\"trigger\":{\"type\":\"one-time\",\"runAt\":\"tomorrow\"}}", "invalid_run_at");
        cases.put("{" + target + ",\"name\":\"" + "n".repeat(201) + "\",\"trigger\":{\"type\":\"one-time\",\"runAt\":\"" + future + "\"}}", "validation_failed");

        cases.forEach((body, code) -> api.post("/v1/schedules", body, ORG_A).assertProblem(400, code));
    }

    @Test
    void rejectsWrongTypesAndEmptyBodiesWith4xxProblems() {
        String trigger = "\"trigger\":{\"type\":\"recurring\",\"cron\":\"* * * * *\"}";
        List<String> bodies = List.of(
                "{\"target\":\"flow_1\"," + trigger + "}",
                "{\"target\":{\"flowId\":\"flow_1\",\"recordType\":\"leads\"},\"trigger\":[1,2]}",
                "{\"target\":{\"flowId\":\"flow_1\",\"recordType\":\"leads\",\"recordIds\":{\"a\":1}}," + trigger + "}",
                "{\"target\":{\"flowId\":\"flow_1\",\"recordType\":\"leads\"}," + trigger + ",\"inputs\":[1,2]}",
                "{\"target\":{\"flowId\":\"flow_1\",\"recordType\":\"leads\"}," + trigger + ",\"enabled\":{\"x\":1}}",
                "[]",
                "");
        for (String body : bodies) {
            Reply reply = api.post("/v1/schedules", body, ORG_A);
            assertThat(reply.status()).as("status for %s: %s", body, reply.raw()).isBetween(400, 499);
            assertThat(reply.contentType()).as(body).startsWith("application/problem+json");
            assertThat(reply.body()).as(body).containsKey("code");
            assertThat(reply.raw()).doesNotContain("Exception");
        }
    }

    @Test
    void unknownAndForeignSchedulesAre404AndNoTokenIs401() {
        String id = createRecurring(ORG_A);
        api.get("/v1/schedules/sched_missing", ORG_A).assertProblem(404, "not_found");
        api.get("/v1/schedules/" + id, ORG_B).assertProblem(404, "not_found");
        api.get("/v1/schedules/" + id + "/runs", ORG_B).assertProblem(404, "not_found");
        api.post("/v1/schedules/" + id + "/run", "", ORG_B).assertProblem(404, "not_found");
        api.post("/v1/schedules/sched_missing/run", "", ORG_A).assertProblem(404, "not_found");
        api.get("/v1/schedules/sched_missing/runs", ORG_A).assertProblem(404, "not_found");

        api.send(HttpRequest.GET("/v1/schedules/" + id)).assertProblem(401, "unauthorized");
        api.send(HttpRequest.POST("/v1/schedules", "{}")).assertProblem(401, "unauthorized");
        api.send(HttpRequest.GET("/v1/schedules/runs/run_x/results")).assertProblem(401, "unauthorized");
    }

    // ---- run now, the event, and the run driven by flows-service's events ------------------------

    @Test
    void runNowPublishesTheRequestAndFlowEventsCompleteTheRun() throws Exception {
        String scheduleId = createRecurring(ORG_A);
        Reply started = api.post("/v1/schedules/" + scheduleId + "/run", "", ORG_A).assertStatus(200);
        assertThat(started.body()).containsOnlyKeys("runId", "scheduleId", "status", "batchExecutionId", "agentExecutionId")
                .containsEntry("scheduleId", scheduleId).containsEntry("status", "pending")
                .containsEntry("agentExecutionId", null);
        String runId = started.string("runId");
        assertThat(runId).startsWith("run_");
        // the batch's id is minted with the run: flows-service gives its batch this id
        String batchId = started.string("batchExecutionId");
        assertThat(batchId).startsWith("batch_");

        // the request really reaches Kafka as a CloudEvent keyed by the schedule
        ConsumerRecord<String, byte[]> record = kafka.awaitFirst(topics.of(ScheduleEvents.RUNS),
                r -> new String(r.value(), StandardCharsets.UTF_8).contains(runId), Poll.TIMEOUT);
        CloudEvent event = CloudEventCodec.fromRecord(record);
        assertThat(record.key()).isEqualTo(scheduleId);
        assertThat(event.getType()).isEqualTo(ScheduleEvents.RUN_REQUESTED.type());
        assertThat(event.getExtension(CloudEventCodec.ORGANIZATION_EXTENSION)).isEqualTo("org_a");
        ScheduleRunRequestedV1 requested = json.readValue(event.getData().toBytes(), ScheduleRunRequestedV1.class);
        assertThat(requested.runId()).isEqualTo(runId);
        assertThat(requested.scheduleId()).isEqualTo(scheduleId);
        assertThat(requested.flowId()).isEqualTo("flow_enrich");
        assertThat(requested.recordType()).isEqualTo("customers");
        assertThat(requested.trigger()).isEqualTo("manual");
        assertThat(requested.inputs()).containsEntry("tone", "brief");
        assertThat(requested.organizationId()).isEqualTo("org_a");
        assertThat(requested.userId()).isEqualTo("user_a");
        assertThat(requested.batchId()).isEqualTo(batchId);
        assertThat(requested.agentId()).isNull();
        assertThat(requested.agentExecutionId()).isNull();
        assertThat(requested.executionOptions()).isEqualTo(new ExecutionOptionsV1(null, 4, null, 60_000L, 1));

        Map<String, Object> pending = onlyRun(scheduleId);
        assertThat(pending).containsOnlyKeys(RUN_KEYS).containsEntry("id", runId).containsEntry("status", "pending")
                .containsEntry("flowId", "flow_enrich").containsEntry("batchExecutionId", batchId)
                .containsEntry("startedAt", null).containsEntry("totalRecords", 0);

        // flows-service's side: a result before its batch's start event, then the rest
        Instant t0 = Instant.parse("2026-06-10T15:22:30.125Z");
        CloudEvent first = execution(runId, batchId, "rec_1", "John Doe", true, t0, t0.plusSeconds(30), "res_1");
        send(FlowEvents.EXECUTIONS, "rec_1", first);
        send(FlowEvents.BATCHES, batchId, batchStarted(runId, batchId, 2, t0));
        send(FlowEvents.EXECUTIONS, "rec_2", execution(runId, batchId, "rec_2", "Jane Roe", true, t0.plusSeconds(1), t0.plusSeconds(40), "res_2"));
        CloudEvent completed = batchCompleted(runId, batchId, "completed", 2, 0, null, t0, t0.plusSeconds(41));
        send(FlowEvents.BATCHES, batchId, completed);

        Map<String, Object> done = Poll.until(() -> onlyRun(scheduleId), run -> "completed".equals(run.get("status")));
        assertThat(done).containsEntry("batchExecutionId", batchId).containsEntry("totalRecords", 2)
                .containsEntry("processedRecords", 2).containsEntry("failedRecords", 0).containsEntry("error", null)
                .containsEntry("startedAt", "2026-06-10T15:22:30.125Z").containsEntry("completedAt", "2026-06-10T15:23:11.125Z");
        Reply results = Poll.until(() -> api.get("/v1/schedules/runs/" + runId + "/results", ORG_A),
                r -> r.status() == 200 && ((Number) r.pagination().get("total")).intValue() == 2);

        // exactly seed 002's shape
        assertThat(results.body()).containsOnlyKeys("data", "pagination");
        assertThat(results.pagination()).containsOnlyKeys("hasMore", "limit", "offset", "total")
                .containsEntry("hasMore", false).containsEntry("limit", 10).containsEntry("offset", 0).containsEntry("total", 2);
        Map<String, Object> john = results.data().get(0);
        assertThat(john).containsOnlyKeys(RESULT_KEYS)
                .containsEntry("recordId", "rec_1")
                .containsEntry("record", Map.of("id", "rec_1", "name", "John Doe", "type", "customers"))
                .containsEntry("recordResultId", "res_1").containsEntry("flowId", "flow_enrich")
                .containsEntry("flowName", "Enrich customers").containsEntry("agentExecutionId", null)
                .containsEntry("status", "success").containsEntry("error", null)
                .containsEntry("executedAt", "2026-06-10T15:23:00.125Z").containsEntry("failedAt", null)
                .containsEntry("createdAt", "2026-06-10T15:22:30.125Z");
        assertThat(results.data().get(1)).containsEntry("recordId", "rec_2");

        // paging and the status filter
        Reply page1 = api.get("/v1/schedules/runs/" + runId + "/results?limit=1", ORG_A).assertStatus(200);
        assertThat(page1.data()).extracting(r -> r.get("recordId")).containsExactly("rec_1");
        assertThat(page1.pagination()).containsEntry("hasMore", true).containsEntry("limit", 1).containsEntry("total", 2);
        Reply page2 = api.get("/v1/schedules/runs/" + runId + "/results?limit=1&offset=1", ORG_A).assertStatus(200);
        assertThat(page2.data()).extracting(r -> r.get("recordId")).containsExactly("rec_2");
        assertThat(page2.pagination()).containsEntry("hasMore", false).containsEntry("offset", 1);
        assertThat(api.get("/v1/schedules/runs/" + runId + "/results?status=failed", ORG_A).data()).isEmpty();
        assertThat(api.get("/v1/schedules/runs/" + runId + "/results?status=completed", ORG_A).data()).hasSize(2);

        // the same results by the batch's id (reference S3), paged and filtered the same way
        Reply byBatch = api.get("/v1/schedules/batch/" + batchId + "/results", ORG_A).assertStatus(200);
        assertThat(byBatch.body()).isEqualTo(results.body());
        Reply batchPage = api.get("/v1/schedules/batch/" + batchId + "/results?limit=1&offset=1&status=success", ORG_A)
                .assertStatus(200);
        assertThat(batchPage.data()).extracting(r -> r.get("recordId")).containsExactly("rec_2");
        assertThat(batchPage.pagination()).containsEntry("hasMore", false).containsEntry("limit", 1)
                .containsEntry("offset", 1).containsEntry("total", 2);
        assertThat(api.get("/v1/schedules/batch/" + batchId + "/results?status=failed", ORG_A).pagination())
                .containsEntry("total", 0);
        api.get("/v1/schedules/batch/" + batchId + "/results", ORG_B).assertProblem(404, "not_found");

        // redelivered events (same CloudEvent ids), a late start event, and an event for a run we don't know
        send(FlowEvents.EXECUTIONS, "rec_1", first);
        send(FlowEvents.BATCHES, batchId, completed);
        send(FlowEvents.BATCHES, batchId, batchStarted(runId, batchId, 99, t0));
        CloudEvent stranger = execution("run_unknown", batchId, "rec_1", "John Doe", true, t0, t0, "res_9");
        send(FlowEvents.EXECUTIONS, "rec_1", stranger);
        // a marker behind them on the same partitions tells us they were all consumed
        String markerRun = api.post("/v1/schedules/" + scheduleId + "/run", "", ORG_A).assertStatus(200).string("runId");
        send(FlowEvents.EXECUTIONS, "rec_1", execution(markerRun, batchId, "rec_1", "John Doe", true, t0, t0, "res_m"));
        send(FlowEvents.BATCHES, batchId, batchStarted(markerRun, "batch_marker", 1, t0));
        Poll.until(() -> api.get("/v1/schedules/" + scheduleId + "/runs", ORG_A).data().get(0),
                run -> "running".equals(run.get("status")) && Integer.valueOf(1).equals(run.get("processedRecords")));
        Poll.until(() -> api.get("/v1/schedules/runs/" + markerRun + "/results", ORG_A), r -> r.data().size() == 1);

        Map<String, Object> after = api.get("/v1/schedules/" + scheduleId + "/runs", ORG_A).data().get(1);
        assertThat(after).isEqualTo(done);
        assertThat(api.get("/v1/schedules/runs/" + runId + "/results", ORG_A).pagination()).containsEntry("total", 2);
        assertThat(inboxOutcome(stranger.getId())).isEqualTo("processed");

        // another organization sees nothing
        api.get("/v1/schedules/runs/" + runId + "/results", ORG_B).assertProblem(404, "not_found");
    }

    @Test
    void anAgentTargetRunsWithItsMessagesAndTheAgentsCompletionEndsTheRun() throws Exception {
        String scheduleId = api.post("/v1/schedules", """
                {"name":"Morning briefing","target":{"agentId":"agent_1"},
                 "trigger":{"type":"recurring","cron":"0 8 * * MON-FRI","timezone":"Europe/Paris"},
                 "inputs":{"messages":[{"role":"user","content":"Summarise yesterday's signups"}]}}""", ORG_A)
                .assertStatus(201).string("id");
        assertThat(api.get("/v1/schedules/" + scheduleId, ORG_A).body()).containsEntry("agentId", "agent_1")
                .containsEntry("flowId", null).containsEntry("recordType", null);

        Reply started = api.post("/v1/schedules/" + scheduleId + "/run", "", ORG_A).assertStatus(200);
        String runId = started.string("runId");
        String executionId = started.string("agentExecutionId");
        assertThat(executionId).startsWith("exec_");
        assertThat(started.body()).containsEntry("batchExecutionId", null).containsEntry("status", "pending");

        ConsumerRecord<String, byte[]> record = kafka.awaitFirst(topics.of(ScheduleEvents.RUNS),
                r -> new String(r.value(), StandardCharsets.UTF_8).contains(runId), Poll.TIMEOUT);
        ScheduleRunRequestedV1 requested = json.readValue(CloudEventCodec.fromRecord(record).getData().toBytes(),
                ScheduleRunRequestedV1.class);
        assertThat(requested.agentId()).isEqualTo("agent_1");
        assertThat(requested.agentExecutionId()).isEqualTo(executionId);
        assertThat(requested.flowId()).isNull();
        assertThat(requested.batchId()).isNull();
        assertThat(requested.inputs()).isEqualTo(Map.of("messages",
                List.of(Map.of("role", "user", "content", "Summarise yesterday's signups"))));
        assertThat(onlyRun(scheduleId)).containsEntry("agentExecutionId", executionId).containsEntry("agentId", "agent_1")
                .containsEntry("status", "pending");

        // agents-service's completion (and one of an execution no schedule started) ends the run
        Instant t0 = Instant.parse("2026-06-12T08:00:00.250Z");
        CloudEvent other = agentCompleted("exec_other", null, "completed", t0);
        send(AgentEvents.EXECUTIONS, executionId, other); // on done's partition, before it: consumed before it
        CloudEvent done = agentCompleted(executionId, runId, "completed", t0);
        send(AgentEvents.EXECUTIONS, executionId, done);
        Map<String, Object> run = Poll.until(() -> onlyRun(scheduleId), r -> "completed".equals(r.get("status")));
        assertThat(run).containsOnlyKeys(RUN_KEYS).containsEntry("agentExecutionId", executionId)
                .containsEntry("startedAt", "2026-06-12T08:00:00.250Z").containsEntry("completedAt", "2026-06-12T08:00:04.250Z")
                .containsEntry("error", null).containsEntry("totalRecords", 0).containsEntry("processedRecords", 0);
        // tokens and cost are kept, not shown: the reference's run object has no such fields
        assertThat(query("SELECT total_tokens || ' ' || total_cost FROM schedule_runs WHERE id = ?", runId))
                .isEqualTo("1234 0.0125");
        assertThat(api.get("/v1/schedules/runs/" + runId + "/results", ORG_A).pagination()).containsEntry("total", 0);

        // a failed execution fails the next run; a redelivery changes nothing
        String second = api.post("/v1/schedules/" + scheduleId + "/run", "", ORG_A).assertStatus(200).string("runId");
        String secondExecution = api.get("/v1/schedules/" + scheduleId + "/runs", ORG_A).data().get(0)
                .get("agentExecutionId").toString();
        send(AgentEvents.EXECUTIONS, secondExecution, agentCompleted(secondExecution, second, "failed", t0.plusSeconds(60)));
        send(AgentEvents.EXECUTIONS, executionId, done);
        Map<String, Object> failed = Poll.until(() -> api.get("/v1/schedules/" + scheduleId + "/runs", ORG_A).data().get(0),
                r -> "failed".equals(r.get("status")));
        assertThat(failed).containsEntry("id", second).containsEntry("error", "agent execution failed (error)");
        assertThat(api.get("/v1/schedules/" + scheduleId + "/runs", ORG_A).data().get(1)).isEqualTo(run);
        assertThat(inboxOutcome(done.getId())).isEqualTo("processed");
        // an execution no schedule started carries no runloomschedulerun extension: skipped undecoded, never claimed
        assertThat(inboxOutcome(other.getId())).isNull();
    }

    @Test
    void eventsOfADeletedSchedulesRunAreIgnoredWithoutErrors() throws Exception {
        String scheduleId = createRecurring(ORG_A);
        Reply started = api.post("/v1/schedules/" + scheduleId + "/run", "", ORG_A).assertStatus(200);
        String runId = started.string("runId");
        String batchId = started.string("batchExecutionId");
        api.send(HttpRequest.DELETE("/v1/schedules/" + scheduleId), ORG_A).assertStatus(200);

        // the batch goes on in flows-service; what it still reports finds no run here
        Instant t0 = Instant.parse("2026-06-13T10:00:00Z");
        CloudEvent begun = batchStarted(runId, batchId, 1, t0);
        CloudEvent result = execution(runId, batchId, "rec_1", "John Doe", true, t0, t0.plusSeconds(2), "res_1");
        CloudEvent ended = batchCompleted(runId, batchId, "completed", 1, 0, null, t0, t0.plusSeconds(3));
        CloudEvent agentDone = agentCompleted("exec_gone", runId, "completed", t0);
        send(FlowEvents.BATCHES, batchId, begun);
        send(FlowEvents.EXECUTIONS, "rec_1", result);
        send(FlowEvents.BATCHES, batchId, ended);
        send(AgentEvents.EXECUTIONS, "exec_gone", agentDone);
        for (CloudEvent event : List.of(begun, result, ended, agentDone)) {
            assertThat(Poll.until(() -> inboxOutcome(event.getId()), outcome -> outcome != null)).isEqualTo("processed");
        }
        api.get("/v1/schedules/runs/" + runId + "/results", ORG_A).assertProblem(404, "not_found");
        assertThat(query("SELECT count(*)::text FROM schedule_runs WHERE id = ?", runId)).isEqualTo("0");
    }

    @Test
    void aBatchThatFailsMarksTheRunFailedAndItsResultsFailed() throws Exception {
        String scheduleId = createRecurring(ORG_A);
        String runId = api.post("/v1/schedules/" + scheduleId + "/run", "", ORG_A).assertStatus(200).string("runId");
        String batchId = Ids.newId("batch");
        Instant t0 = Instant.parse("2026-06-11T09:00:00Z");
        send(FlowEvents.BATCHES, batchId, batchStarted(runId, batchId, 1, t0));
        send(FlowEvents.EXECUTIONS, "rec_9", execution(runId, batchId, "rec_9", "Broken", false, t0, t0.plusSeconds(5), "res_9"));
        send(FlowEvents.BATCHES, batchId, batchCompleted(runId, batchId, "failed", 0, 1, "model timed out", t0, t0.plusSeconds(6)));

        Map<String, Object> run = Poll.until(() -> onlyRun(scheduleId), r -> "failed".equals(r.get("status")));
        assertThat(run).containsEntry("totalRecords", 1).containsEntry("processedRecords", 1)
                .containsEntry("failedRecords", 1).containsEntry("error", "model timed out");
        Reply failed = Poll.until(() -> api.get("/v1/schedules/runs/" + runId + "/results?status=failed", ORG_A),
                r -> r.data().size() == 1);
        assertThat(failed.data().get(0)).containsEntry("status", "failed").containsEntry("error", "boom")
                .containsEntry("failedAt", "2026-06-11T09:00:05Z").containsEntry("executedAt", "2026-06-11T09:00:05Z");
        assertThat(api.get("/v1/schedules/runs/" + runId + "/results?status=success", ORG_A).data()).isEmpty();
    }

    @Test
    void runHistoryIsNewestFirst() {
        String scheduleId = createRecurring(ORG_A);
        String first = api.post("/v1/schedules/" + scheduleId + "/run", "", ORG_A).assertStatus(200).string("runId");
        String second = api.post("/v1/schedules/" + scheduleId + "/run", "", ORG_A).assertStatus(200).string("runId");
        Reply history = api.get("/v1/schedules/" + scheduleId + "/runs", ORG_A).assertStatus(200);
        assertThat(history.body()).containsOnlyKeys("data");
        assertThat(history.data()).extracting(r -> r.get("id")).containsExactly(second, first);
        assertThat(api.get("/v1/schedules/" + scheduleId, ORG_A).body().get("lastRunAt")).isNotNull();
    }

    @Test
    void runResultsRouteAndParametersAreChecked() {
        String scheduleId = createRecurring(ORG_A);
        String runId = api.post("/v1/schedules/" + scheduleId + "/run", "", ORG_A).assertStatus(200).string("runId");
        Reply empty = api.get("/v1/schedules/runs/" + runId + "/results", ORG_A).assertStatus(200);
        assertThat(empty.data()).isEmpty();
        assertThat(empty.pagination()).containsEntry("total", 0).containsEntry("hasMore", false);

        // routed to the results endpoint, not mistaken for a schedule id
        Reply missing = api.get("/v1/schedules/runs/run_missing/results", ORG_A).assertProblem(404, "not_found");
        assertThat(missing.string("detail")).contains("Schedule run 'run_missing'");
        for (String query : List.of("limit=0", "limit=101", "limit=ten", "offset=-1", "offset=x", "status=done")) {
            Reply bad = api.get("/v1/schedules/runs/" + runId + "/results?" + query, ORG_A).assertProblem(400, "invalid_parameter");
            assertThat(bad.string("detail")).contains(query.substring(0, query.indexOf('=')));
        }
    }

    // ---- helpers ---------------------------------------------------------------------------

    private String createRecurring(Tenant tenant) {
        return api.post("/v1/schedules", """
                {"name":"Enrich","target":{"flowId":"flow_enrich","recordType":"customers"},
                 "trigger":{"type":"recurring","cron":"0 3 * * *","timezone":"Europe/Paris"},
                 "inputs":{"tone":"brief"},
                 "executionOptions":{"recordConcurrency":4,"timeoutMs":60000,"maxRetries":1,"retryOnFailure":true}}""",
                tenant).assertStatus(201).string("id");
    }

    private Map<String, Object> onlyRun(String scheduleId) {
        List<Map<String, Object>> runs = api.get("/v1/schedules/" + scheduleId + "/runs", ORG_A).assertStatus(200).data();
        assertThat(runs).hasSize(1);
        return runs.get(0);
    }

    private CloudEvent execution(String runId, String batchId, String recordId, String name, boolean success,
                                 Instant startedAt, Instant completedAt, String resultId) throws Exception {
        RecordExecutionCompletedV1 payload = new RecordExecutionCompletedV1(Ids.newId("exec"), "org_a", "user_a",
                "flow_enrich", "Enrich customers", null, batchId, runId, new RecordRefV1(recordId, name, "customers"),
                success ? "completed" : "failed", success, success ? null : "boom", startedAt, completedAt,
                completedAt.toEpochMilli() - startedAt.toEpochMilli(), 1, 2, 120, new BigDecimal("0.0001"),
                List.of(new PromptResultV1("res_first", "prompt_1", "Summarise", "completed", "ok", "local", 10, 5, BigDecimal.ZERO),
                        new PromptResultV1(resultId, "prompt_2", "Classify", "completed", "ok", "local", 10, 5, BigDecimal.ZERO)));
        return cloudEvent(FlowEvents.RECORD_EXECUTION_COMPLETED, payload.executionId(), payload, runId);
    }

    private CloudEvent batchStarted(String runId, String batchId, int records, Instant at) throws Exception {
        return cloudEvent(FlowEvents.BATCH_STARTED, batchId,
                new BatchStartedV1(batchId, "org_a", "flow_enrich", "Enrich customers", "customers", records, false, runId, at),
                runId);
    }

    private CloudEvent batchCompleted(String runId, String batchId, String status, int ok, int failed, String error,
                                      Instant startedAt, Instant completedAt) throws Exception {
        return cloudEvent(FlowEvents.BATCH_COMPLETED, batchId, new BatchCompletedV1(batchId, "org_a", "flow_enrich",
                "customers", ok + failed, ok, failed, status, error, runId, startedAt, completedAt, BigDecimal.ONE), runId);
    }

    /** An agent execution that took four seconds, 1234 tokens and $0.0125; {@code stopReason} "error" when it failed. */
    private CloudEvent agentCompleted(String executionId, String runId, String status, Instant startedAt) throws Exception {
        return cloudEvent(AgentEvents.EXECUTION_COMPLETED, executionId, new AgentExecutionCompletedV1(executionId,
                "agent_1", "org_a", null, status, "completed".equals(status) ? "end_turn" : "error", 2, 1234,
                new BigDecimal("0.0125"), startedAt, startedAt.plusSeconds(4), runId), runId);
    }

    /** As flows-service and agents-service publish it: a schedule run's event carries the run id in an extension too. */
    private <T> CloudEvent cloudEvent(EventType<T> type, String subject, T payload, String scheduleRunId) throws Exception {
        String source = type.stream() == AgentEvents.EXECUTIONS ? "urn:runloom:agents-service" : "urn:runloom:flows-service";
        return CloudEventCodec.build(Ids.newId("evt"), source, type.type(), subject, "org_a", null,
                scheduleRunId == null ? Map.of() : Map.of(CloudEventCodec.SCHEDULE_RUN_EXTENSION, scheduleRunId),
                OffsetDateTime.now(ZoneOffset.UTC), json.writeValueAsBytes(payload));
    }

    private String query(String sql, String param) {
        return transactions.executeRead(status -> {
            try (PreparedStatement select = status.getConnection().prepareStatement(sql)) {
                select.setString(1, param);
                try (ResultSet rows = select.executeQuery()) {
                    return rows.next() ? rows.getString(1) : null;
                }
            }
        });
    }

    private void send(EventStream stream, String key, CloudEvent event) {
        kafka.produce(CloudEventCodec.toRecord(topics.of(stream), key, event));
    }

    private String inboxOutcome(String eventId) {
        return transactions.executeRead(status -> {
            try (PreparedStatement select = status.getConnection().prepareStatement(
                    "SELECT outcome FROM runloom_inbox WHERE event_id = ?")) {
                select.setString(1, eventId);
                try (ResultSet rows = select.executeQuery()) {
                    return rows.next() ? rows.getString(1) : null;
                }
            }
        });
    }
}
