package dev.runloom.agents.a2a;

import dev.runloom.agents.events.AgentEvents;
import dev.runloom.agents.events.AgentExecutionCompletedV1;
import dev.runloom.common.tenant.InternalTokens;
import dev.runloom.kernel.events.CloudEventCodec;
import dev.runloom.kernel.events.TopicNames;
import dev.runloom.testsupport.KafkaTestTopics;
import io.cloudevents.CloudEvent;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import dev.runloom.common.tenant.Tenant;
import dev.runloom.testsupport.ApiClient;
import dev.runloom.testsupport.ApiClient.Reply;
import dev.runloom.testsupport.ServiceTest;
import io.micronaut.json.JsonMapper;
import io.micronaut.json.tree.JsonNode;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static dev.runloom.testsupport.TestTenants.ORG_A;
import static dev.runloom.testsupport.TestTenants.ORG_B;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * External (A2A) agents against a fake remote agent on loopback: create with the card fetched and
 * stored, update, A4 refresh with skills added and removed, execution by JSON-RPC {@code message/send}
 * (JSON and SSE, recorded like a native run), remote failures as failed executions, tenant isolation
 * and bad input.
 */
@ServiceTest("agents")
class ExternalAgentsTest implements TestPropertyProvider {
    @Inject ApiClient<Tenant> api;
    @Inject EmbeddedServer server;
    @Inject InternalTokens tokens;
    @Inject JsonMapper json;
    @Inject KafkaTestTopics kafka;
    @Inject TopicNames topics;
    final FakeA2aAgent remote = new FakeA2aAgent();
    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @Override
    public Map<String, String> getProperties() {
        return TestOutboundNetwork.properties();
    }

    @BeforeEach
    void reset() {
        remote.reset();
        TestOutboundNetwork.NON_LOOPBACK_CONNECTS.clear();
    }

    @AfterAll
    void stop() {
        remote.close();
        assertThat(TestOutboundNetwork.NON_LOOPBACK_CONNECTS).as("connections outside loopback").isEmpty();
    }

    private Reply create(Object externalConfig) {
        return api.post("/v1/agents", Map.of("name", "Remote polyglot", "agentType", "external",
                "externalConfig", externalConfig), ORG_A);
    }

    private String externalAgent() {
        Reply created = create(Map.of("agentCardUrl", remote.url() + "/.well-known/agent-card.json"));
        created.assertStatus(201);
        return created.string("id");
    }

    private Reply executeJson(String agentId, String text, Tenant tenant) {
        return api.post("/v1/agents/" + agentId + "/execute", Map.of("messages",
                List.of(Map.of("role", "user", "content", text)), "options", Map.of("streamResponse", false)), tenant);
    }

    @Test
    void createsAnExternalAgentWithItsCardFetchedAndStored() {
        Reply created = create(Map.of("agentCardUrl", remote.url() + "/.well-known/agent-card.json",
                "refreshIntervalMinutes", 60, "framework", "langgraph",
                "auth", Map.of("type", "bearer", "credentials", "remote-secret-token")));
        created.assertStatus(201);
        JsonNode agent = created.tree();
        assertThat(agent.get("agentType").getStringValue()).isEqualTo("external");
        assertThat(agent.get("healthStatus").getStringValue()).isEqualTo("healthy");
        assertThat(agent.get("lastHealthCheckAt").isString()).isTrue();
        JsonNode external = agent.get("externalConfig");
        assertThat(external.get("agentCardUrl").getStringValue()).isEqualTo(remote.url() + "/.well-known/agent-card.json");
        assertThat(external.get("refreshIntervalMinutes").getIntValue()).isEqualTo(60);
        assertThat(external.get("framework").getStringValue()).isEqualTo("langgraph");
        assertThat(external.get("agentCard").get("name").getStringValue()).isEqualTo("Polyglot");
        assertThat(external.get("agentCard").get("skills").size()).isEqualTo(2);
        assertThat(external.get("auth").get("type").getStringValue()).isEqualTo("bearer");
        assertThat(external.get("auth").get("credentialsSet").getBooleanValue()).isTrue();
        assertThat(created.raw()).as("credentials are never shown").doesNotContain("remote-secret-token");

        String id = created.string("id");
        Reply got = api.get("/v1/agents/" + id, ORG_A).assertStatus(200);
        assertThat(got.tree().get("externalConfig").get("agentCard").get("url").getStringValue())
                .isEqualTo(remote.url() + "/a2a");
        assertThat(got.raw()).doesNotContain("remote-secret-token");
        Reply exported = api.get("/v1/agents/" + id + "/export-runtime", ORG_A).assertStatus(200);
        assertThat(exported.tree().get("externalConfig").get("agentCard").get("name").getStringValue()).isEqualTo("Polyglot");
        assertThat(api.get("/v1/agents?agentType=external", ORG_A).data()).extracting(a -> a.get("id")).contains(id);

        api.get("/v1/agents/" + id, ORG_B).assertProblem(404, "not_found");
        assertThat(api.get("/v1/agents?agentType=external", ORG_B).data()).extracting(a -> a.get("id")).doesNotContain(id);
    }

    @Test
    void aWellKnownBaseUrlOrAnEndpointAloneIsEnough() {
        Reply viaBase = create(Map.of("a2aWellKnownUrl", remote.url()));
        viaBase.assertStatus(201);
        assertThat(viaBase.tree().get("externalConfig").get("agentCard").get("name").getStringValue()).isEqualTo("Polyglot");

        Reply endpointOnly = create(Map.of("endpoint", remote.url() + "/a2a"));
        endpointOnly.assertStatus(201);
        assertThat(endpointOnly.tree().get("externalConfig").get("agentCard").isNull()).isTrue();
        executeJson(endpointOnly.string("id"), "hi", ORG_A).assertStatus(200);
        assertThat(remote.rpcCalls()).hasSize(1);
    }

    @Test
    void refusedUnreachableOrMissingExternalConfigsAreNotStored() {
        long before = ((Number) api.get("/v1/agents?includeCount=true", ORG_A).pagination().get("totalCount")).longValue();
        create(Map.of("agentCardUrl", remote.loopbackUrl() + "/.well-known/agent-card.json")).assertProblem(400, "url_refused");
        create(Map.of("agentCardUrl", "http://internal.test/card.json")).assertProblem(400, "url_refused");
        create(Map.of("endpoint", "gopher://agent.test/a2a")).assertProblem(400, "invalid_url");
        create(Map.of("agentCardUrl", remote.url() + "/status/500")).assertProblem(502, "agent_card_unavailable");
        create(Map.of("framework", "x")).assertProblem(400, "validation_failed");
        create(Map.of("agentCardUrl", remote.url() + "/.well-known/agent-card.json", "protocol", "runtype-stream"))
                .assertProblem(400, "unsupported_protocol");
        create(Map.of("agentCardUrl", remote.url() + "/.well-known/agent-card.json",
                "auth", Map.of("type", "bearer", "credentials", "{{secret:REMOTE_KEY}}")))
                .assertProblem(400, "unsupported_secret_reference");
        create(Map.of("endpoint", remote.url() + "/a2a", "auth", Map.of("type", "basic", "credentials", "x")))
                .assertProblem(400);
        create(Map.of("endpoint", remote.url() + "/a2a", "refreshIntervalMinutes", 0)).assertProblem(400);
        create("just a string").assertProblem(400);
        api.post("/v1/agents", Map.of("name", "No config", "agentType", "external"), ORG_A)
                .assertProblem(400, "validation_failed");
        api.post("/v1/agents", Map.of("name", "Native", "externalConfig", Map.of("endpoint", remote.url() + "/a2a")), ORG_A)
                .assertProblem(400, "validation_failed");
        long after = ((Number) api.get("/v1/agents?includeCount=true", ORG_A).pagination().get("totalCount")).longValue();
        assertThat(after).isEqualTo(before);
    }

    @Test
    void executesByMessageSendAndRecordsItLikeANativeRun() {
        Reply created = create(Map.of("agentCardUrl", remote.url() + "/.well-known/agent-card.json",
                "auth", Map.of("type", "bearer", "credentials", "remote-secret-token")));
        String id = created.string("id");
        remote.reply(FakeA2aAgent.completedTask("Bonjour le monde"));

        Reply executed = api.post("/v1/agents/" + id + "/execute", Map.of("messages", List.of(
                Map.of("role", "user", "content", "Say hello"),
                Map.of("role", "assistant", "content", "Hello"),
                Map.of("role", "user", "content", "Now in French")), "options", Map.of("streamResponse", false)), ORG_A);
        executed.assertStatus(200);
        assertThat(executed.string("status")).isEqualTo("completed");
        assertThat(executed.string("finalOutput")).isEqualTo("Bonjour le monde");
        assertThat(executed.body().get("iterations")).isEqualTo(1);
        assertThat(executed.string("stopReason")).isEqualTo("end_turn");
        assertThat(executed.string("totalCost")).isEqualTo("0");

        assertThat(remote.rpcCalls()).hasSize(1);
        FakeA2aAgent.Seen call = remote.rpcCalls().getFirst();
        assertThat(call.method()).isEqualTo("POST");
        assertThat(call.authorization()).isEqualTo("Bearer remote-secret-token");
        JsonNode rpc = parse(call.body());
        assertThat(rpc.get("jsonrpc").getStringValue()).isEqualTo("2.0");
        assertThat(rpc.get("method").getStringValue()).isEqualTo("message/send");
        JsonNode message = rpc.get("params").get("message");
        assertThat(message.get("role").getStringValue()).isEqualTo("user");
        assertThat(message.get("messageId").isString()).isTrue();
        assertThat(message.get("parts").get(0).get("kind").getStringValue()).isEqualTo("text");
        assertThat(message.get("parts").get(0).get("text").getStringValue()).isEqualTo("Now in French");
        assertThat(message.get("metadata").get("history").size()).isEqualTo(2);

        Reply detail = api.get("/v1/agents/" + id + "/executions/" + executed.string("executionId"), ORG_A).assertStatus(200);
        assertThat(detail.string("status")).isEqualTo("completed");
        assertThat(detail.string("finalOutput")).isEqualTo("Bonjour le monde");
        assertThat(detail.list("iterationDetails")).singleElement()
                .satisfies(it -> assertThat(it.get("model")).isEqualTo("a2a"));
        assertThat(detail.list("inputMessages")).hasSize(3);
        assertThat(api.get("/v1/agents/" + id + "/executions", ORG_A).data()).hasSize(1);
        api.get("/v1/agents/" + id + "/executions/" + executed.string("executionId"), ORG_B).assertProblem(404);

        // the completion event, as for a native run
        String executionId = executed.string("executionId");
        ConsumerRecord<String, byte[]> record = kafka.awaitFirst(topics.of(AgentEvents.EXECUTIONS),
                r -> executionId.equals(r.key()), Duration.ofSeconds(30));
        CloudEvent event = CloudEventCodec.fromRecord(record);
        assertThat(event.getType()).isEqualTo(AgentEvents.EXECUTION_COMPLETED.type());
        AgentExecutionCompletedV1 payload = readEvent(event);
        assertThat(payload.agentId()).isEqualTo(id);
        assertThat(payload.status()).isEqualTo("completed");
        assertThat(payload.iterations()).isEqualTo(1);
        executeJson(id, "hi", ORG_B).assertProblem(404, "not_found");
        assertThat(remote.rpcCalls()).hasSize(1);
    }

    @Test
    void aMessageAnswerIsAnAnswerToo() {
        String id = externalAgent();
        remote.reply("""
                {"kind":"message","messageId":"m-2","role":"agent","parts":[{"kind":"text","text":"Hi there"},
                 {"kind":"data","data":{"mood":"good"}}]}""");
        Reply executed = executeJson(id, "Hello", ORG_A).assertStatus(200);
        assertThat(executed.string("status")).isEqualTo("completed");
        assertThat(executed.string("finalOutput")).isEqualTo("Hi there\n{\"mood\":\"good\"}");
    }

    @Test
    void remoteFailuresFailTheExecutionWithAClearError() {
        String id = externalAgent();
        record Case(Runnable setUp, String code, String message) {
        }
        List<Case> cases = List.of(
                new Case(() -> remote.reply("{\"jsonrpc\":\"2.0\",\"id\":\"x\",\"error\":{\"code\":-32603,\"message\":\"model overloaded\"}}"),
                        "external_agent_error", "JSON-RPC error -32603: model overloaded"),
                new Case(() -> remote.replyStatus(503, "{\"error\":\"busy\"}"), "external_agent_error", "HTTP 503"),
                new Case(() -> remote.replyStatus(200, "<html>oops</html>"), "external_agent_invalid_response", "not a JSON-RPC"),
                new Case(() -> remote.reply("""
                        {"kind":"task","id":"t","status":{"state":"failed","message":{"role":"agent","parts":[{"kind":"text","text":"quota exceeded"}]}}}"""),
                        "external_agent_failed", "ended failed: quota exceeded"),
                new Case(() -> remote.reply("{\"kind\":\"task\",\"id\":\"t\",\"status\":{\"state\":\"working\"}}"),
                        "external_agent_incomplete", "still working"));
        for (Case c : cases) {
            c.setUp().run();
            Reply executed = executeJson(id, "Hello", ORG_A);
            executed.assertStatus(200);
            assertThat(executed.string("status")).as(c.code()).isEqualTo("failed");
            assertThat(executed.string("stopReason")).isEqualTo("error");
            assertThat(executed.map("error")).containsEntry("code", c.code());
            assertThat((String) executed.map("error").get("message")).contains(c.message());
            Reply detail = api.get("/v1/agents/" + id + "/executions/" + executed.string("executionId"), ORG_A);
            assertThat(detail.string("status")).isEqualTo("failed");
            assertThat(detail.string("errorMessage")).contains(c.message());
        }
    }

    @Test
    void anUnreachableOrRefusedEndpointFailsTheExecution() throws Exception {
        Reply unreachable = create(Map.of("endpoint", "http://agent.test:1/a2a"));
        Reply run = executeJson(unreachable.string("id"), "Hello", ORG_A).assertStatus(200);
        assertThat(run.string("status")).isEqualTo("failed");
        assertThat(run.map("error")).containsEntry("code", "external_agent_unreachable");

        // an endpoint that passes the shape check but resolves to an internal address is refused at run time
        Reply internal = create(Map.of("endpoint", "http://internal.test/a2a"));
        internal.assertStatus(201);
        Reply refused = executeJson(internal.string("id"), "Hello", ORG_A);
        assertThat(refused.string("status")).isEqualTo("failed");
        assertThat(refused.map("error")).containsEntry("code", "external_agent_refused");
        assertThat(TestOutboundNetwork.NON_LOOPBACK_CONNECTS).isEmpty();
    }

    @Test
    void streamsTheRemoteAnswerAsFrames() throws Exception {
        String id = externalAgent();
        remote.reply(FakeA2aAgent.completedTask("Streamed hello"));
        List<JsonNode> frames = stream(id, ORG_A);
        assertThat(frames).extracting(f -> f.get("type").getStringValue()).containsExactly("execution_start",
                "turn_start", "text_start", "text_delta", "text_complete", "turn_complete", "execution_complete");
        assertThat(frames).extracting(f -> f.get("seq").getIntValue())
                .containsExactlyElementsOf(IntStream.range(0, frames.size()).boxed().toList());
        assertThat(frames.get(3).get("delta").getStringValue()).isEqualTo("Streamed hello");
        JsonNode end = frames.getLast();
        assertThat(end.get("finalOutput").getStringValue()).isEqualTo("Streamed hello");
        assertThat(end.get("success").getBooleanValue()).isTrue();

        remote.replyStatus(500, "{}");
        List<JsonNode> failed = stream(id, ORG_A);
        assertThat(failed.getLast().get("type").getStringValue()).isEqualTo("execution_error");
        assertThat(failed.getLast().get("error").get("code").getStringValue()).isEqualTo("external_agent_error");
        assertThat(failed).filteredOn(f -> f.get("type").getStringValue().startsWith("execution_")).hasSize(2);

        // A20 replays what the stream sent
        String executionId = end.get("executionId").getStringValue();
        HttpResponse<String> replay = http.send(HttpRequest.newBuilder(
                        URI.create(server.getURL() + "/v1/agents/" + id + "/executions/" + executionId + "/events"))
                .header(InternalTokens.HEADER, tokens.sign(ORG_A)).timeout(Duration.ofSeconds(10)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(replay.body()).contains("Streamed hello").contains("execution_complete");
    }

    @Test
    void refreshReportsSkillsAddedAndRemoved() {
        String id = externalAgent();
        remote.card(List.of("summarize", "classify", "extract"));
        Reply refreshed = api.post("/v1/agents/" + id + "/refresh-agent-card", "{}", ORG_A);
        refreshed.assertStatus(200);
        assertThat(refreshed.string("id")).isEqualTo(id);
        assertThat(refreshed.string("agentType")).isEqualTo("external");
        Map<String, Object> report = refreshed.map("changeReport");
        assertThat(skillIds(report.get("skillsAdded"))).containsExactly("classify", "extract");
        assertThat(skillIds(report.get("skillsRemoved"))).containsExactly("translate");
        assertThat((List<?>) report.get("rolesAutoApplied")).isEmpty();
        assertThat(refreshed.tree().get("externalConfig").get("agentCard").get("skills").size()).isEqualTo(3);

        Reply again = api.post("/v1/agents/" + id + "/refresh-agent-card", "{}", ORG_A).assertStatus(200);
        assertThat((List<?>) again.map("changeReport").get("skillsAdded")).isEmpty();
        assertThat((List<?>) again.map("changeReport").get("skillsRemoved")).isEmpty();
        assertThat(api.get("/v1/agents/" + id, ORG_A).tree().get("externalConfig").get("agentCard").get("skills").size())
                .isEqualTo(3);

        remote.cardDown(true);
        api.post("/v1/agents/" + id + "/refresh-agent-card", "{}", ORG_A).assertProblem(502, "agent_card_unavailable");
        Reply afterFailure = api.get("/v1/agents/" + id, ORG_A);
        assertThat(afterFailure.string("healthStatus")).isEqualTo("unreachable");
        assertThat(afterFailure.tree().get("externalConfig").get("agentCard").get("skills").size())
                .as("the cached card is kept").isEqualTo(3);

        api.post("/v1/agents/" + id + "/refresh-agent-card", "{}", ORG_B).assertProblem(404, "not_found");
        api.post("/v1/agents/agent_missing/refresh-agent-card", "{}", ORG_A).assertProblem(404, "not_found");
        String nativeAgent = api.post("/v1/agents", Map.of("name", "Native"), ORG_A).string("id");
        api.post("/v1/agents/" + nativeAgent + "/refresh-agent-card", "{}", ORG_A).assertProblem(400, "not_external_agent");
        String endpointOnly = create(Map.of("endpoint", remote.url() + "/a2a")).string("id");
        api.post("/v1/agents/" + endpointOnly + "/refresh-agent-card", "{}", ORG_A).assertProblem(400, "no_agent_card");
        api.post("/v1/agents/" + id + "/refresh-agent-card", "[1]", ORG_A).assertProblem(400);
    }

    @Test
    void updatesTheExternalConfigAndTheAgentType() {
        String id = externalAgent();
        Reply updated = api.send(io.micronaut.http.HttpRequest.PUT("/v1/agents/" + id,
                Map.of("externalConfig", Map.of("endpoint", remote.url() + "/a2a", "framework", "crewai")))
                .contentType("application/json"), ORG_A);
        updated.assertStatus(200);
        JsonNode external = updated.tree().get("externalConfig");
        assertThat(external.get("endpoint").getStringValue()).isEqualTo(remote.url() + "/a2a");
        assertThat(external.get("framework").getStringValue()).isEqualTo("crewai");
        assertThat(external.get("agentCardUrl").getStringValue()).as("kept").endsWith("/.well-known/agent-card.json");

        api.send(io.micronaut.http.HttpRequest.PUT("/v1/agents/" + id,
                        Map.of("externalConfig", Map.of("agentCardUrl", remote.loopbackUrl() + "/card")))
                .contentType("application/json"), ORG_A).assertProblem(400, "url_refused");
        api.send(io.micronaut.http.HttpRequest.PUT("/v1/agents/" + id, Map.of("name", "x"))
                .contentType("application/json"), ORG_B).assertProblem(404);

        Reply renamed = api.send(io.micronaut.http.HttpRequest.PUT("/v1/agents/" + id, Map.of("name", "Renamed"))
                .contentType("application/json"), ORG_A).assertStatus(200);
        assertThat(renamed.tree().get("externalConfig").get("agentCard").get("name").getStringValue()).isEqualTo("Polyglot");

        Reply toNative = api.send(io.micronaut.http.HttpRequest.PUT("/v1/agents/" + id, Map.of("agentType", "runtype"))
                .contentType("application/json"), ORG_A).assertStatus(200);
        assertThat(toNative.tree().get("externalConfig").isNull()).isTrue();
        api.send(io.micronaut.http.HttpRequest.PUT("/v1/agents/" + id, Map.of("agentType", "external"))
                .contentType("application/json"), ORG_A).assertProblem(400, "validation_failed");

        api.send(io.micronaut.http.HttpRequest.DELETE("/v1/agents/" + externalAgent()), ORG_A).assertStatus(200);
    }

    @SuppressWarnings("unchecked")
    private static List<Object> skillIds(Object skills) {
        return ((List<Map<String, Object>>) skills).stream().map(s -> s.get("id")).toList();
    }

    private AgentExecutionCompletedV1 readEvent(CloudEvent event) {
        try {
            return json.readValue(event.getData().toBytes(), AgentExecutionCompletedV1.class);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private JsonNode parse(String text) {
        try {
            return json.readValue(text, JsonNode.class);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** Executes with streaming and reads every SSE frame's data. */
    private List<JsonNode> stream(String agentId, Tenant tenant) throws Exception {
        HttpResponse<java.util.stream.Stream<String>> response = http.send(HttpRequest.newBuilder(
                        URI.create(server.getURL() + "/v1/agents/" + agentId + "/execute"))
                .header(InternalTokens.HEADER, tokens.sign(tenant)).header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString("{\"messages\":[{\"role\":\"user\",\"content\":\"Hello\"}]}"))
                .build(), HttpResponse.BodyHandlers.ofLines());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type").orElse("")).startsWith("text/event-stream");
        List<JsonNode> frames = new ArrayList<>();
        response.body().forEach(line -> {
            if (line.startsWith("data:")) {
                frames.add(parse(line.substring(5).strip()));
            }
        });
        return frames;
    }
}
