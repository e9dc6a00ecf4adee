package dev.runloom.agents;

import dev.runloom.agents.events.AgentEvents;
import dev.runloom.agents.events.AgentExecutionCompletedV1;
import dev.runloom.common.tenant.Tenant;
import dev.runloom.kernel.events.CloudEventCodec;
import dev.runloom.kernel.events.TopicNames;
import dev.runloom.models.ChatMessage;
import dev.runloom.models.LocalModel;
import dev.runloom.models.ModelRequest;
import dev.runloom.models.TokenUsage;
import dev.runloom.schedules.events.ScheduleEvents;
import dev.runloom.schedules.events.ScheduleRunRequestedV1;
import dev.runloom.testsupport.ApiClient;
import dev.runloom.testsupport.ApiClient.Reply;
import dev.runloom.testsupport.KafkaTestTopics;
import dev.runloom.testsupport.ServiceTest;
import dev.runloom.testsupport.ServiceTestEnvironment;
import dev.runloom.testsupport.TestInfrastructure;
import io.cloudevents.CloudEvent;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.json.JsonMapper;
import io.micronaut.json.tree.JsonNode;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static dev.runloom.testsupport.TestTenants.ORG_A;
import static dev.runloom.testsupport.TestTenants.ORG_B;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Schedule runs on agent targets, end to end: ScheduleRunRequestedV1 CloudEvents produced to the
 * schedules' topic start executions (the schedule's messages, its minted execution id) whose
 * AgentExecutionCompletedV1 carries the run; duplicates run nothing; requests that cannot run fail
 * the run; flow targets are left to flows-service.
 */
@ServiceTest("agents")
class ScheduledExecutionsTest {
    private static final BigDecimal MILLION = BigDecimal.valueOf(1_000_000);
    private static final Duration WAIT = Duration.ofSeconds(30);
    /** How long to look for a record that must not come, once a later one on the same partition arrived. */
    private static final Duration NOTHING_MORE = Duration.ofSeconds(3);

    @Inject ApiClient<Tenant> api;
    @Inject JsonMapper json;
    @Inject TopicNames topics;
    @Inject KafkaTestTopics kafka;
    @Inject ServiceTestEnvironment env;

    @Test
    void aScheduledRunExecutesTheAgentWithTheSchedulesMessages() throws Exception {
        String agentId = api.post("/v1/agents", """
                {"name": "Morning digest", "config": {"systemPrompt": "Summarise.", "temperature": 0.3}}""", ORG_A)
                .string("id");
        String u = unique();
        String executionId = "exec_sched_" + u;
        Map<String, Object> inputs = Map.of(
                "messages", List.of(Map.of("role", "user", "content", "What happened overnight?")),
                "region", "emea"); // keys besides messages are the flows' business and ignored
        send("evt-" + u, request("run_" + u, "sched_" + u, "org_a", agentId, executionId, inputs));

        AgentExecutionCompletedV1 completed = awaitCompletion(executionId);
        TokenUsage usage = new LocalModel().complete(new ModelRequest("local", "Summarise.",
                List.of(new ChatMessage("user", "What happened overnight?")), 0.3, null)).usage();
        BigDecimal expectedCost = new BigDecimal("0.15").multiply(BigDecimal.valueOf(usage.promptTokens()))
                .add(new BigDecimal("0.60").multiply(BigDecimal.valueOf(usage.completionTokens())))
                .divide(MILLION);
        assertThat(completed.executionId()).isEqualTo(executionId);
        assertThat(completed.scheduleRunId()).isEqualTo("run_" + u);
        assertThat(completed.agentId()).isEqualTo(agentId);
        assertThat(completed.organizationId()).isEqualTo("org_a");
        assertThat(completed.parentExecutionId()).isNull();
        assertThat(completed.status()).isEqualTo("completed");
        assertThat(completed.stopReason()).isEqualTo("end_turn");
        assertThat(completed.iterations()).isEqualTo(1);
        assertThat(completed.totalTokens()).isPositive().isEqualTo(usage.totalTokens());
        assertThat(completed.totalCost()).isEqualByComparingTo(expectedCost);
        assertThat(expectedCost.signum()).isPositive();
        assertThat(completed.completedAt()).isAfterOrEqualTo(completed.startedAt());

        // listed among the agent's executions under the minted id, from the schedule surface
        Reply listed = api.get("/v1/agents/" + agentId + "/executions?surfaceType=schedule", ORG_A);
        assertThat(listed.status()).as(listed.raw()).isEqualTo(200);
        assertThat(listed.tree().get("data").size()).isEqualTo(1);
        JsonNode row = listed.tree().get("data").get(0);
        assertThat(row.get("id").getStringValue()).isEqualTo(executionId);
        assertThat(row.get("executionId").getStringValue()).isEqualTo(executionId);
        assertThat(row.get("agentSource").getStringValue()).isEqualTo("runtype-core");
        assertThat(row.get("surfaceType").getStringValue()).isEqualTo("schedule");
        assertThat(row.get("status").getStringValue()).isEqualTo("completed");
        assertThat(row.get("stopReason").getStringValue()).isEqualTo("end_turn");
        assertThat(row.get("iterations").getIntValue()).isEqualTo(1);
        assertThat(row.get("totalTokens").getLongValue()).isEqualTo(usage.totalTokens());
        assertThat(new BigDecimal(row.get("totalCost").getStringValue())).isEqualByComparingTo(expectedCost);
        assertThat(Instant.parse(row.get("completedAt").getStringValue())).isEqualTo(completed.completedAt());
        assertThat(api.get("/v1/agents/" + agentId + "/executions?executionId=" + executionId, ORG_A)
                .tree().get("data").size()).isEqualTo(1);
        api.get("/v1/agents/" + agentId + "/executions", ORG_B).assertProblem(404, "not_found");

        // the schedule's messages are the execution's input; the owner is the schedule's user
        try (Connection connection = connect();
             PreparedStatement query = connection.prepareStatement("""
                     SELECT input_messages, user_id, agent_spec->'config'->>'systemPrompt', final_output,
                            (SELECT count(*) FROM agent_iterations i WHERE i.execution_id = e.id)
                     FROM agent_executions e WHERE id = ?""")) {
            query.setString(1, executionId);
            try (ResultSet stored = query.executeQuery()) {
                assertThat(stored.next()).isTrue();
                List<ChatMessage> input = List.of(json.readValue(stored.getString(1), ChatMessage[].class));
                assertThat(input).containsExactly(new ChatMessage("user", "What happened overnight?"));
                assertThat(stored.getString(2)).isEqualTo(ORG_A.userId());
                assertThat(stored.getString(3)).isEqualTo("Summarise.");
                assertThat(stored.getString(4)).contains("What happened overnight?");
                assertThat(stored.getLong(5)).isEqualTo(1);
            }
        }
    }

    @Test
    void aRequestDeliveredTwiceOrRepeatedRunsTheAgentOnce() throws Exception {
        String agentId = api.post("/v1/agents", "{\"name\": \"Once\"}", ORG_A).string("id");
        String u = unique();
        String scheduleId = "sched_" + u;
        String executionId = "exec_once_" + u;
        ScheduleRunRequestedV1 request = request("run_" + u, scheduleId, "org_a", agentId, executionId, hello());
        send("evt-" + u, request);
        send("evt-" + u, request);                                   // redelivery: the inbox skips it
        awaitCompletion(executionId);
        send("evt-again-" + u, request);                             // same execution under another event id
        ScheduleRunRequestedV1 next = request("run_next_" + u, scheduleId, "org_a", agentId, "exec_next_" + u, hello());
        send("evt-next-" + u, next);                                 // same schedule, same partition: read after
        awaitCompletion("exec_next_" + u);

        assertThat(kafka.read(topics.of(AgentEvents.EXECUTIONS), r -> executionId.equals(r.key()), 2, NOTHING_MORE))
                .hasSize(1);
        assertThat(api.get("/v1/agents/" + agentId + "/executions?includeCount=true", ORG_A)
                .tree().get("pagination").get("totalCount").getLongValue()).isEqualTo(2);
        try (Connection connection = connect();
             PreparedStatement query = connection.prepareStatement(
                     "SELECT count(*) FROM agent_iterations WHERE execution_id = ?")) {
            query.setString(1, executionId);
            try (ResultSet count = query.executeQuery()) {
                assertThat(count.next()).isTrue();
                assertThat(count.getLong(1)).isEqualTo(1);
            }
        }
    }

    @Test
    void anUnknownAgentOrAnotherOrganizationsAgentFailsTheRun() {
        String otherOrgsAgent = api.post("/v1/agents", "{\"name\": \"Not yours\"}", ORG_B).string("id");
        String u = unique();
        send("evt-missing-" + u, request("run_missing_" + u, "sched_" + u, "org_a", "agent_missing",
                "exec_missing_" + u, hello()));
        send("evt-foreign-" + u, request("run_foreign_" + u, "sched_" + u, "org_a", otherOrgsAgent,
                "exec_foreign_" + u, hello()));

        for (String kind : List.of("missing", "foreign")) {
            AgentExecutionCompletedV1 failed = awaitCompletion("exec_" + kind + "_" + u);
            assertThat(failed.scheduleRunId()).isEqualTo("run_" + kind + "_" + u);
            assertThat(failed.organizationId()).isEqualTo("org_a");
            assertThat(failed.status()).isEqualTo("failed");
            assertThat(failed.stopReason()).isEqualTo("error");
            assertThat(failed.iterations()).isZero();
            assertThat(failed.totalTokens()).isZero();
            assertThat(failed.totalCost()).isEqualByComparingTo(BigDecimal.ZERO);
        }
        // the other organization's agent did not run
        assertThat(api.get("/v1/agents/" + otherOrgsAgent + "/executions", ORG_B).tree().get("data").size()).isZero();
    }

    @Test
    void inputsWithoutUsableMessagesFailTheRun() {
        String agentId = api.post("/v1/agents", "{\"name\": \"Needs words\"}", ORG_A).string("id");
        String u = unique();
        Map<String, Map<String, Object>> cases = new HashMap<>();
        cases.put("none", null);
        cases.put("other", Map.of("region", "emea"));
        cases.put("empty", Map.of("messages", List.of()));
        cases.put("text", Map.of("messages", "hello"));
        cases.put("role", Map.of("messages", List.of(Map.of("role", "robot", "content", "hi"))));
        cases.put("content", Map.of("messages", List.of(Map.of("role", "user"))));
        cases.forEach((kind, inputs) -> send("evt-" + kind + "-" + u,
                request("run_" + kind + "_" + u, "sched_" + u, "org_a", agentId, "exec_" + kind + "_" + u, inputs)));

        for (String kind : cases.keySet()) {
            AgentExecutionCompletedV1 failed = awaitCompletion("exec_" + kind + "_" + u);
            assertThat(failed.scheduleRunId()).as(kind).isEqualTo("run_" + kind + "_" + u);
            assertThat(failed.agentId()).isEqualTo(agentId);
            assertThat(failed.status()).as(kind).isEqualTo("failed");
            assertThat(failed.stopReason()).as(kind).isEqualTo("error");
            assertThat(failed.iterations()).isZero();
        }
        assertThat(api.get("/v1/agents/" + agentId + "/executions", ORG_A).tree().get("data").size()).isZero();
    }

    @Test
    void aFlowTargetIsLeftToFlowsService() {
        String agentId = api.post("/v1/agents", "{\"name\": \"Bystander\"}", ORG_A).string("id");
        String u = unique();
        String scheduleId = "sched_" + u;
        send("evt-flow-" + u, new ScheduleRunRequestedV1("run_flow_" + u, scheduleId, "org_a", ORG_A.userId(),
                "flow_" + u, null, "leads", null, hello(), "cron", Instant.now(), "batch_" + u, null, null));
        send("evt-agent-" + u, request("run_agent_" + u, scheduleId, "org_a", agentId, "exec_agent_" + u, hello()));
        awaitCompletion("exec_agent_" + u);

        assertThat(kafka.read(topics.of(AgentEvents.EXECUTIONS),
                r -> ("run_flow_" + u).equals(completion(r).scheduleRunId()), 1, NOTHING_MORE)).isEmpty();
        assertThat(api.get("/v1/agents/" + agentId + "/executions", ORG_A).tree().get("data").size()).isEqualTo(1);
    }

    private static ScheduleRunRequestedV1 request(String runId, String scheduleId, String organizationId, String agentId,
                                                  String executionId, @Nullable Map<String, Object> inputs) {
        return new ScheduleRunRequestedV1(runId, scheduleId, organizationId, ORG_A.userId(), null, agentId, null, null,
                inputs, "cron", Instant.now(), null, executionId, null);
    }

    private static Map<String, Object> hello() {
        return Map.of("messages", List.of(Map.of("role", "user", "content", "hello")));
    }

    private static String unique() {
        return UUID.randomUUID().toString().substring(0, 8);
    }

    /** Produces the request as schedules-service's outbox would: a CloudEvent keyed by the schedule. */
    private void send(String eventId, ScheduleRunRequestedV1 request) {
        byte[] data;
        try {
            data = json.writeValueAsBytes(request);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        kafka.produce(CloudEventCodec.toRecord(topics.of(ScheduleEvents.RUNS), request.scheduleId(),
                CloudEventCodec.build(eventId, "urn:runloom:schedules-service", ScheduleEvents.RUN_REQUESTED.type(),
                        request.runId(), request.organizationId(), null, OffsetDateTime.now(ZoneOffset.UTC), data)));
    }

    /** The execution's AgentExecutionCompletedV1, keyed and subject'ed by the execution, tenant-tagged. */
    private AgentExecutionCompletedV1 awaitCompletion(String executionId) {
        ConsumerRecord<String, byte[]> record = kafka.awaitFirst(topics.of(AgentEvents.EXECUTIONS),
                r -> executionId.equals(r.key()), WAIT);
        CloudEvent event = CloudEventCodec.fromRecord(record);
        assertThat(event.getType()).isEqualTo(AgentEvents.EXECUTION_COMPLETED.type());
        assertThat(event.getSubject()).isEqualTo(executionId);
        assertThat(event.getExtension(CloudEventCodec.ORGANIZATION_EXTENSION)).isEqualTo("org_a");
        AgentExecutionCompletedV1 completed = completion(record);
        // the schedule run also travels as the runloomschedulerun extension, which schedules-service filters on
        assertThat(completed.scheduleRunId()).isNotNull();
        assertThat(event.getExtension(CloudEventCodec.SCHEDULE_RUN_EXTENSION)).isEqualTo(completed.scheduleRunId());
        return completed;
    }

    private AgentExecutionCompletedV1 completion(ConsumerRecord<String, byte[]> record) {
        try {
            return json.readValue(CloudEventCodec.fromRecord(record).getData().toBytes(), AgentExecutionCompletedV1.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A connection to this class's database, to check what was stored. */
    private Connection connect() throws SQLException {
        TestInfrastructure infra = TestInfrastructure.get();
        return DriverManager.getConnection(env.jdbcUrl(), infra.dbUser(), infra.dbPassword());
    }
}
