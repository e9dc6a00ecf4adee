package dev.runloom.agents;

import dev.runloom.agents.events.AgentEvents;
import dev.runloom.agents.events.AgentExecutionCompletedV1;
import dev.runloom.kernel.events.CloudEventCodec;
import dev.runloom.kernel.events.TopicNames;
import dev.runloom.models.ChatMessage;
import dev.runloom.models.LocalModel;
import dev.runloom.models.ModelRequest;
import dev.runloom.models.TokenUsage;
import dev.runloom.common.tenant.Tenant;
import dev.runloom.testsupport.ApiClient;
import dev.runloom.testsupport.ApiClient.Reply;
import dev.runloom.testsupport.KafkaTestTopics;
import dev.runloom.testsupport.ServiceTest;
import dev.runloom.testsupport.ServiceTestEnvironment;
import dev.runloom.testsupport.TestInfrastructure;
import io.cloudevents.CloudEvent;
import io.micronaut.json.JsonMapper;
import io.micronaut.json.tree.JsonNode;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static dev.runloom.agents.AgentFixtures.keys;
import static dev.runloom.testsupport.TestTenants.ORG_A;
import static dev.runloom.testsupport.TestTenants.ORG_B;
import static org.assertj.core.api.Assertions.assertThat;

/** Agents and executing them: create/get, validation, the loop's JSON answer and cost, the event, tenancy. */
@ServiceTest("agents")
class AgentsApiTest {
    private static final BigDecimal MILLION = BigDecimal.valueOf(1_000_000);
    private static final String ISO_UTC = "\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?Z";

    @Inject ApiClient<Tenant> api;
    @Inject JsonMapper json;
    @Inject TopicNames topics;
    @Inject KafkaTestTopics kafka;
    @Inject ServiceTestEnvironment env;

    @Test
    void createsAndGetsAnAgentWithDefaults() {
        Reply created = api.post("/v1/agents", """
                {"name": "Support bot", "description": "Answers tickets", "icon": "🤖",
                 "config": {"systemPrompt": "Be brief.", "temperature": 0.2}}""", ORG_A);
        assertThat(created.status()).as(created.raw()).isEqualTo(201);
        JsonNode agent = created.tree();
        assertThat(agent.get("id").getStringValue()).startsWith("agent_");
        assertThat(agent.get("userId").getStringValue()).isEqualTo(ORG_A.userId());
        assertThat(agent.get("organizationId").getStringValue()).isEqualTo("org_a");
        assertThat(agent.get("name").getStringValue()).isEqualTo("Support bot");
        assertThat(agent.get("description").getStringValue()).isEqualTo("Answers tickets");
        assertThat(agent.get("icon").getStringValue()).isEqualTo("🤖");
        assertThat(agent.get("agentType").getStringValue()).isEqualTo("runtype");
        assertThat(agent.get("primaryFlowId").isNull()).isTrue();
        assertThat(agent.get("status").getStringValue()).isEqualTo("active");
        assertThat(agent.get("capabilities").isArray()).isTrue();
        assertThat(agent.get("capabilities").size()).isZero();
        assertThat(agent.get("publishedVersionId").isNull()).isTrue();
        assertThat(agent.get("draftVersionId").isNull()).isTrue();
        assertThat(agent.get("_warnings").isArray()).isTrue();
        assertThat(agent.get("_warnings").size()).isZero();
        assertThat(agent.get("createdAt").getStringValue()).matches(ISO_UTC);
        assertThat(agent.get("updatedAt").getStringValue()).matches(ISO_UTC);
        JsonNode config = agent.get("config");
        assertThat(config.get("model").getStringValue()).isEqualTo("local");
        assertThat(config.get("systemPrompt").getStringValue()).isEqualTo("Be brief.");
        assertThat(config.get("temperature").getDoubleValue()).isEqualTo(0.2);
        assertThat(config.get("maxTurns").getIntValue()).isEqualTo(5);
        assertThat(config.get("maxToolCalls").getIntValue()).isEqualTo(10);

        Reply fetched = api.get("/v1/agents/" + agent.get("id").getStringValue(), ORG_A);
        assertThat(fetched.status()).isEqualTo(200);
        assertThat(fetched.tree()).isEqualTo(agent);

        Reply minimal = api.post("/v1/agents", "{\"name\": \"x\"}", ORG_A);
        assertThat(minimal.status()).as(minimal.raw()).isEqualTo(201);
        assertThat(minimal.tree().get("description").isNull()).isTrue();
        assertThat(minimal.tree().get("config").get("systemPrompt").isNull()).isTrue();
        assertThat(minimal.tree().get("config").get("temperature").getDoubleValue()).isEqualTo(0.7);
    }

    @Test
    void aModelNoProviderServesIsAWarningAndItsExecutionsFail() {
        Reply created = api.post("/v1/agents", "{\"name\": \"Unserved\", \"config\": {\"model\": \"gpt-nowhere\"}}", ORG_A);
        assertThat(created.status()).as(created.raw()).isEqualTo(201);
        assertThat(created.tree().get("_warnings").size()).isEqualTo(1);
        assertThat(created.tree().get("_warnings").get(0).getStringValue()).contains("gpt-nowhere");

        Reply executed = api.post("/v1/agents/" + created.string("id") + "/execute",
                "{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}], \"options\": {\"streamResponse\": false}}", ORG_A);
        assertThat(executed.status()).as(executed.raw()).isEqualTo(200);
        assertThat(executed.string("status")).isEqualTo("failed");
        assertThat(executed.string("stopReason")).isEqualTo("error");
        assertThat(executed.tree().get("error").get("code").getStringValue()).isEqualTo("unknown_model");
        assertThat(executed.tree().get("iterations").getIntValue()).isZero();
        assertThat(executed.string("totalCost")).isEqualTo("0");

        Reply listed = api.get("/v1/agents/" + created.string("id") + "/executions?status=failed", ORG_A);
        assertThat(listed.tree().get("data").size()).isEqualTo(1);
        assertThat(listed.tree().get("data").get(0).get("stopReason").getStringValue()).isEqualTo("error");
    }

    @Test
    void badAgentBodiesAreProblems() {
        api.post("/v1/agents", "{\"name\": ", ORG_A).assertProblem(400, "malformed_json");
        api.post("/v1/agents", "{}", ORG_A).assertProblem(400);
        api.post("/v1/agents", "{\"name\": \"\"}", ORG_A).assertProblem(400);
        api.post("/v1/agents", "{\"name\": \"" + "n".repeat(256) + "\"}", ORG_A).assertProblem(400);
        api.post("/v1/agents", "{\"name\": \"a\", \"icon\": \"" + "i".repeat(51) + "\"}", ORG_A).assertProblem(400);
        api.post("/v1/agents", "{\"name\": {\"first\": \"a\"}}", ORG_A).assertProblem(400);
        api.post("/v1/agents", "{\"name\": \"a\", \"config\": \"fast\"}", ORG_A).assertProblem(400);
        api.post("/v1/agents", "{\"name\": \"a\", \"config\": {\"temperature\": \"hot\"}}", ORG_A).assertProblem(400);
        api.post("/v1/agents", "{\"name\": \"a\", \"config\": {\"temperature\": 2.5}}", ORG_A).assertProblem(400);
        api.post("/v1/agents", "{\"name\": \"a\", \"config\": {\"temperature\": -0.1}}", ORG_A).assertProblem(400);
        api.post("/v1/agents", "{\"name\": \"a\", \"config\": {\"maxTurns\": 0}}", ORG_A).assertProblem(400);
        api.post("/v1/agents", "{\"name\": \"a\", \"config\": {\"maxTurns\": 51}}", ORG_A).assertProblem(400);
        api.post("/v1/agents", "{\"name\": \"a\", \"config\": {\"maxTurns\": \"many\"}}", ORG_A).assertProblem(400);
        Reply external = api.post("/v1/agents", "{\"name\": \"a\", \"agentType\": \"external\"}", ORG_A);
        external.assertProblem(400, "validation_failed"); // an external agent needs its externalConfig (a2a tests)
        assertThat(external.string("detail")).contains("externalConfig");
        Reply managed = api.post("/v1/agents", "{\"name\": \"a\", \"agentType\": \"claude-managed\"}", ORG_A);
        managed.assertProblem(400, "unsupported_agent_type");
        assertThat(managed.string("detail")).contains("claude-managed");

        api.get("/v1/agents/agent_missing", ORG_A).assertProblem(404, "not_found");
    }

    @Test
    void executeAnswersJsonPricedFromTheTableAndListsTheExecution() throws Exception {
        String agentId = api.post("/v1/agents", """
                {"name": "Pricer", "config": {"systemPrompt": "You are terse.", "temperature": 0.3}}""", ORG_A).string("id");

        Reply executed = api.post("/v1/agents/" + agentId + "/execute", """
                {"messages": [{"role": "user", "content": "What is the capital of France?"}],
                 "options": {"streamResponse": false}}""", ORG_A);
        assertThat(executed.status()).as(executed.raw()).isEqualTo(200);
        assertThat(executed.contentType()).startsWith("application/json");
        JsonNode answer = executed.tree();
        String executionId = answer.get("executionId").getStringValue();
        assertThat(executionId).startsWith("exec_");
        assertThat(answer.get("agentId").getStringValue()).isEqualTo(agentId);
        assertThat(answer.get("status").getStringValue()).isEqualTo("completed");
        assertThat(answer.get("stopReason").getStringValue()).isEqualTo("end_turn");
        assertThat(answer.get("iterations").getIntValue()).isEqualTo(1);
        assertThat(answer.get("finalOutput").getStringValue()).contains("What is the capital of France?");
        assertThat(answer.get("error").isNull()).isTrue();
        assertThat(answer.get("startedAt").getStringValue()).matches(ISO_UTC);
        assertThat(answer.get("completedAt").getStringValue()).matches(ISO_UTC);
        assertThat(answer.get("durationMs").getLongValue()).isGreaterThanOrEqualTo(0);

        // the same request to the deterministic model gives the tokens; the configured price gives the cost
        TokenUsage usage = new LocalModel().complete(new ModelRequest("local", "You are terse.",
                List.of(new ChatMessage("user", "What is the capital of France?")), 0.3, null)).usage();
        BigDecimal expectedCost = new BigDecimal("0.15").multiply(BigDecimal.valueOf(usage.promptTokens()))
                .add(new BigDecimal("0.60").multiply(BigDecimal.valueOf(usage.completionTokens())))
                .divide(MILLION);
        long totalTokens = answer.get("totalTokens").getLongValue();
        assertThat(totalTokens).isPositive().isEqualTo(usage.totalTokens());
        assertThat(answer.get("totalCost").isString()).isTrue();
        assertThat(new BigDecimal(answer.get("totalCost").getStringValue())).isEqualByComparingTo(expectedCost);
        assertThat(expectedCost.signum()).isPositive();

        // the iteration is stored with the price that produced its cost
        try (Connection connection = connect();
             PreparedStatement query = connection.prepareStatement("""
                     SELECT model, prompt_tokens, completion_tokens, cost, price_input_per_million,
                            price_output_per_million, finish_reason FROM agent_iterations WHERE execution_id = ?""")) {
            query.setString(1, executionId);
            try (ResultSet row = query.executeQuery()) {
                assertThat(row.next()).isTrue();
                assertThat(row.getString(1)).isEqualTo("local");
                assertThat(row.getLong(2)).isEqualTo(usage.promptTokens());
                assertThat(row.getLong(3)).isEqualTo(usage.completionTokens());
                assertThat(row.getBigDecimal(4)).isEqualByComparingTo(expectedCost);
                assertThat(row.getBigDecimal(5)).isEqualByComparingTo("0.15");
                assertThat(row.getBigDecimal(6)).isEqualByComparingTo("0.60");
                assertThat(row.getString(7)).isEqualTo("stop");
                assertThat(row.next()).isFalse();
            }
        }

        // listed exactly in the shape of seed 004
        Reply listed = api.get("/v1/agents/" + agentId + "/executions", ORG_A);
        assertThat(listed.status()).as(listed.raw()).isEqualTo(200);
        assertThat(keys(listed.tree())).containsExactlyInAnyOrder("data", "pagination");
        assertThat(listed.tree().get("data").size()).isEqualTo(1);
        JsonNode row = listed.tree().get("data").get(0);
        assertThat(keys(row)).containsExactlyInAnyOrder("id", "agentId", "agentSource", "executionId",
                "parentExecutionId", "surfaceType", "status", "iterations", "totalCost", "stopReason", "startedAt",
                "completedAt", "createdAt", "agentSpec", "totalTokens", "inputMessages");
        assertThat(row.get("id").getStringValue()).isEqualTo(executionId);
        assertThat(row.get("executionId").getStringValue()).isEqualTo(executionId);
        assertThat(row.get("agentId").getStringValue()).isEqualTo(agentId);
        assertThat(row.get("agentSource").getStringValue()).isEqualTo("runtype-core");
        assertThat(row.get("parentExecutionId").isNull()).isTrue();
        assertThat(row.get("surfaceType").getStringValue()).isEqualTo("api");
        assertThat(row.get("status").getStringValue()).isEqualTo("completed");
        assertThat(row.get("iterations").getIntValue()).isEqualTo(1);
        assertThat(row.get("totalCost").isString()).isTrue();
        assertThat(row.get("totalCost").getStringValue()).isEqualTo(answer.get("totalCost").getStringValue());
        assertThat(row.get("stopReason").getStringValue()).isEqualTo("end_turn");
        assertThat(row.get("startedAt").getStringValue()).isEqualTo(answer.get("startedAt").getStringValue());
        assertThat(row.get("completedAt").getStringValue()).isEqualTo(answer.get("completedAt").getStringValue());
        assertThat(row.get("createdAt").getStringValue()).matches(ISO_UTC);
        assertThat(row.get("agentSpec").isNull()).isTrue();
        assertThat(row.get("inputMessages").isNull()).isTrue();
        assertThat(row.get("totalTokens").isNumber()).isTrue();
        assertThat(row.get("totalTokens").getLongValue()).isEqualTo(totalTokens);
        JsonNode pagination = listed.tree().get("pagination");
        assertThat(keys(pagination)).containsExactlyInAnyOrder("nextCursor", "prevCursor", "hasMore", "hasPrev",
                "limit", "currentOffset");
        assertThat(pagination.get("nextCursor").isNull()).isTrue();
        assertThat(pagination.get("prevCursor").isNull()).isTrue();
        assertThat(pagination.get("hasMore").getBooleanValue()).isFalse();
        assertThat(pagination.get("hasPrev").getBooleanValue()).isFalse();
        assertThat(pagination.get("limit").getIntValue()).isEqualTo(10);
        assertThat(pagination.get("currentOffset").getIntValue()).isZero();

        // the snapshot and the input are stored even though lists leave them out
        try (Connection connection = connect();
             PreparedStatement query = connection.prepareStatement("""
                     SELECT agent_spec->'config'->>'systemPrompt', input_messages->0->>'content', final_output
                     FROM agent_executions WHERE id = ?""")) {
            query.setString(1, executionId);
            try (ResultSet stored = query.executeQuery()) {
                assertThat(stored.next()).isTrue();
                assertThat(stored.getString(1)).isEqualTo("You are terse.");
                assertThat(stored.getString(2)).isEqualTo("What is the capital of France?");
                assertThat(stored.getString(3)).isEqualTo(answer.get("finalOutput").getStringValue());
            }
        }

        // AgentExecutionCompletedV1 reaches Kafka as a CloudEvent, keyed by the execution
        ConsumerRecord<String, byte[]> record = kafka.awaitFirst(topics.of(AgentEvents.EXECUTIONS),
                r -> executionId.equals(r.key()), Duration.ofSeconds(30));
        assertThat(record.key()).isEqualTo(executionId);
        CloudEvent event = CloudEventCodec.fromRecord(record);
        assertThat(event.getType()).isEqualTo(AgentEvents.EXECUTION_COMPLETED.type());
        assertThat(event.getSubject()).isEqualTo(executionId);
        assertThat(event.getExtension(CloudEventCodec.ORGANIZATION_EXTENSION)).isEqualTo("org_a");
        assertThat(event.getExtension(CloudEventCodec.SCHEDULE_RUN_EXTENSION)).as("no schedule started it").isNull();
        AgentExecutionCompletedV1 payload = json.readValue(event.getData().toBytes(), AgentExecutionCompletedV1.class);
        assertThat(payload.executionId()).isEqualTo(executionId);
        assertThat(payload.agentId()).isEqualTo(agentId);
        assertThat(payload.organizationId()).isEqualTo("org_a");
        assertThat(payload.status()).isEqualTo("completed");
        assertThat(payload.stopReason()).isEqualTo("end_turn");
        assertThat(payload.iterations()).isEqualTo(1);
        assertThat(payload.totalTokens()).isEqualTo(totalTokens);
        assertThat(payload.totalCost()).isEqualByComparingTo(expectedCost);
        assertThat(payload.completedAt()).isEqualTo(Instant.parse(answer.get("completedAt").getStringValue()));
    }

    @Test
    void badExecuteBodiesAreProblems() {
        String path = "/v1/agents/" + api.post("/v1/agents", "{\"name\": \"Strict\"}", ORG_A).string("id") + "/execute";
        // (common classifies truncated JSON inside an array as bad_request rather than malformed_json)
        api.post(path, "{\"messages\": [", ORG_A).assertProblem(400);
        api.post(path, "{}", ORG_A).assertProblem(400);
        api.post(path, "{\"messages\": []}", ORG_A).assertProblem(400);
        api.post(path, "{\"messages\": \"hello\"}", ORG_A).assertProblem(400);
        api.post(path, "{\"messages\": [{\"role\": \"robot\", \"content\": \"hi\"}]}", ORG_A).assertProblem(400);
        api.post(path, "{\"messages\": [{\"role\": \"user\"}]}", ORG_A).assertProblem(400);
        api.post(path, "{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}],"
                + " \"options\": {\"surfaceType\": \"moon\"}}", ORG_A).assertProblem(400, "validation_failed");
        api.post("/v1/agents/agent_missing/execute",
                "{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}", ORG_A).assertProblem(404, "not_found");
        // nothing was recorded for the refused requests
        assertThat(api.get(path.replace("/execute", "/executions"), ORG_A).tree().get("data").size()).isZero();
    }

    @Test
    void anotherOrganizationSeesNothingAndNoTokenIsUnauthorized() {
        String agentId = api.post("/v1/agents", "{\"name\": \"Private\"}", ORG_A).string("id");
        String execute = "/v1/agents/" + agentId + "/execute";
        String body = "{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}], \"options\": {\"streamResponse\": false}}";
        assertThat(api.post(execute, body, ORG_A).status()).isEqualTo(200);

        api.get("/v1/agents/" + agentId, ORG_B).assertProblem(404, "not_found");
        api.get("/v1/agents/" + agentId + "/executions", ORG_B).assertProblem(404, "not_found");
        api.post(execute, body, ORG_B).assertProblem(404, "not_found");
        assertThat(api.get("/v1/agents/" + agentId + "/executions", ORG_A).tree().get("data").size()).isEqualTo(1);

        api.get("/v1/agents/" + agentId, null).assertProblem(401, "unauthorized");
        api.get("/v1/agents/" + agentId + "/executions", null).assertProblem(401, "unauthorized");
        api.post("/v1/agents", "{\"name\": \"x\"}", null).assertProblem(401, "unauthorized");
        api.post(execute, body, null).assertProblem(401, "unauthorized");
    }

    /** A connection to this class's database, to check what was stored. */
    private Connection connect() throws SQLException {
        TestInfrastructure infra = TestInfrastructure.get();
        return DriverManager.getConnection(env.jdbcUrl(), infra.dbUser(), infra.dbPassword());
    }
}
