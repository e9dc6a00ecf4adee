package dev.runloom.agents;

import dev.runloom.common.tenant.InternalTokens;
import dev.runloom.common.tenant.Tenant;
import dev.runloom.testsupport.ApiClient;
import dev.runloom.testsupport.FakeModelServer;
import dev.runloom.testsupport.Poll;
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
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static dev.runloom.testsupport.TestTenants.ORG_A;
import static dev.runloom.testsupport.TestTenants.ORG_B;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A16 streaming read by a real HTTP client frame by frame (order, seq = SSE id, one terminal frame),
 * provider deltas streamed as they come, a client disconnecting mid-stream, and A20 replay.
 */
@ServiceTest("agents")
class AgentStreamTest implements TestPropertyProvider {
    @Inject ApiClient<Tenant> api;
    @Inject EmbeddedServer server;
    @Inject InternalTokens tokens;
    @Inject JsonMapper json;
    final FakeModelServer openAi = new FakeModelServer();
    final FakeRecordsService records = new FakeRecordsService();
    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @Override
    public Map<String, String> getProperties() {
        Map<String, String> p = new HashMap<>(records.serviceProperties());
        p.put("runloom.models.providers.openai.base-url", openAi.baseUrl());
        p.put("runloom.models.providers.openai.api-key", "sk-agents-test");
        p.put("runloom.models.prices.openai/gpt-4o-mini.input-per-million", "0.15");
        p.put("runloom.models.prices.openai/gpt-4o-mini.output-per-million", "0.60");
        return p;
    }

    @BeforeEach
    void reset() {
        openAi.reset();
        records.add("org_a", "customer", "rec_acme", "Acme", "gold");
    }

    @AfterAll
    void stop() {
        openAi.close();
        records.close();
    }

    /** One SSE frame as read off the wire. */
    record Frame(String id, JsonNode data) {
        String type() {
            return data.get("type").getStringValue();
        }
    }

    private String agent(String model) {
        return api.post("/v1/agents", """
                {"name": "Streamer", "config": {"model": "%s", "tools": ["retrieve-record"]}}""".formatted(model), ORG_A)
                .string("id");
    }

    private HttpResponse<Stream<String>> open(String path, String method, String body, Tenant tenant) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.getURL() + path))
                .header(InternalTokens.HEADER, tokens.sign(tenant)).timeout(Duration.ofSeconds(30));
        request = "POST".equals(method)
                ? request.header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body))
                : request.GET();
        return http.send(request.build(), HttpResponse.BodyHandlers.ofLines());
    }

    /** Reads the next frame (lines up to a blank one), or null at the end of the stream. */
    private Frame next(Iterator<String> lines) throws IOException {
        String id = null;
        StringBuilder data = new StringBuilder();
        while (lines.hasNext()) {
            String line = lines.next();
            if (line.isEmpty()) {
                if (data.length() > 0) {
                    return new Frame(id, json.readValue(data.toString(), JsonNode.class));
                }
                continue;
            }
            if (line.startsWith("id:")) {
                id = line.substring(3).strip();
            } else if (line.startsWith("data:")) {
                data.append(line.substring(5).strip());
            }
        }
        return data.length() > 0 ? new Frame(id, json.readValue(data.toString(), JsonNode.class)) : null;
    }

    private List<Frame> readAll(HttpResponse<Stream<String>> response) throws IOException {
        List<Frame> frames = new ArrayList<>();
        Iterator<String> lines = response.body().iterator();
        for (Frame frame = next(lines); frame != null; frame = next(lines)) {
            frames.add(frame);
        }
        return frames;
    }

    private static String body(String message) {
        return "{\"messages\": [{\"role\": \"user\", \"content\": " + quote(message) + "}]}";
    }

    private static String quote(String text) {
        return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    @Test
    void streamsTheFramesOfAToolLoopInOrder() throws Exception {
        String agentId = agent("local");
        HttpResponse<Stream<String>> response = open("/v1/agents/" + agentId + "/execute", "POST",
                body("Check @retrieve-record{\"recordType\":\"customer\",\"name\":\"Acme\"}"), ORG_A);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
        List<Frame> frames = readAll(response);

        assertThat(frames).extracting(Frame::type).containsExactly("execution_start", "turn_start", "tool_start",
                "tool_complete", "turn_complete", "turn_start", "text_start", "text_delta", "text_complete",
                "turn_complete", "execution_complete");
        for (int i = 0; i < frames.size(); i++) {
            assertThat(frames.get(i).id()).isEqualTo(Integer.toString(i));
            assertThat(frames.get(i).data().get("seq").getIntValue()).isEqualTo(i);
        }
        String executionId = frames.getFirst().data().get("executionId").getStringValue();
        assertThat(frames).allSatisfy(f -> assertThat(f.data().get("executionId").getStringValue()).isEqualTo(executionId));
        assertThat(frames.getFirst().data().get("kind").getStringValue()).isEqualTo("agent");
        JsonNode toolComplete = frames.get(3).data();
        assertThat(toolComplete.get("toolName").getStringValue()).isEqualTo("retrieve-record");
        assertThat(toolComplete.get("success").getBooleanValue()).isTrue();
        assertThat(toolComplete.get("result").get("metadata").get("plan").getStringValue()).isEqualTo("gold");
        assertThat(frames.get(2).data().get("parameters").get("name").getStringValue()).isEqualTo("Acme");
        JsonNode complete = frames.getLast().data();
        assertThat(complete.get("success").getBooleanValue()).isTrue();
        assertThat(complete.get("stopReason").getStringValue()).isEqualTo("end_turn");
        assertThat(complete.get("iterations").getIntValue()).isEqualTo(2);
        assertThat(complete.get("totalCost").isNumber()).isTrue();
        assertThat(complete.get("totalTokens").get("input").getLongValue()).isPositive();
        assertThat(complete.get("finalOutput").getStringValue()).contains("gold");

        // the stored execution matches, and A20 replays the same frames
        JsonNode detail = api.get("/v1/agents/" + agentId + "/executions/" + executionId, ORG_A).tree();
        assertThat(detail.get("status").getStringValue()).isEqualTo("completed");
        List<Frame> replayed = readAll(open("/v1/agents/" + agentId + "/executions/" + executionId + "/events", "GET",
                null, ORG_A));
        assertThat(replayed).extracting(Frame::id).containsExactlyElementsOf(frames.stream().map(Frame::id).toList());
        List<Frame> tail = readAll(open("/v1/agents/" + agentId + "/executions/" + executionId + "/events?after=7",
                "GET", null, ORG_A));
        assertThat(tail).extracting(Frame::id).containsExactly("8", "9", "10");

        String events = "/v1/agents/" + agentId + "/executions/" + executionId + "/events";
        api.get(events, ORG_B).assertProblem(404, "not_found");
        api.get(events + "?after=abc", ORG_A).assertProblem(400, "invalid_parameter");
        api.get(events + "?after=-2", ORG_A).assertProblem(400, "invalid_parameter");
        api.get("/v1/agents/" + agentId + "/executions/exec_missing/events", ORG_A).assertProblem(404, "not_found");
    }

    @Test
    void providerDeltasAreStreamedAsTheyCome() throws Exception {
        openAi.enqueue(FakeModelServer.Reply.openAiStream(List.of("Acme ", "is on ", "gold."), 30, 6));
        String agentId = agent("openai/gpt-4o-mini");
        List<Frame> frames = readAll(open("/v1/agents/" + agentId + "/execute", "POST", body("Acme?"), ORG_A));
        assertThat(frames).extracting(Frame::type).containsExactly("execution_start", "turn_start", "text_start",
                "text_delta", "text_delta", "text_delta", "text_complete", "turn_complete", "execution_complete");
        assertThat(frames.stream().filter(f -> f.type().equals("text_delta"))
                .map(f -> f.data().get("delta").getStringValue())).containsExactly("Acme ", "is on ", "gold.");
        assertThat(frames.getLast().data().get("finalOutput").getStringValue()).isEqualTo("Acme is on gold.");
        assertThat(frames.getLast().data().get("totalTokens").get("output").getLongValue()).isEqualTo(6);
    }

    @Test
    void aFailedRunEndsWithOneExecutionErrorFrame() throws Exception {
        String agentId = agent("gpt-nowhere");
        List<Frame> frames = readAll(open("/v1/agents/" + agentId + "/execute", "POST", body("hi"), ORG_A));
        assertThat(frames).extracting(Frame::type).containsExactly("execution_start", "turn_start", "execution_error");
        assertThat(frames.getLast().data().get("error").get("code").getStringValue()).isEqualTo("unknown_model");
        assertThat(frames.getLast().data().get("success").getBooleanValue()).isFalse();
    }

    @Test
    void aClientThatDisconnectsDoesNotOrphanTheExecution() throws Exception {
        openAi.enqueue(FakeModelServer.Reply.openAiStream(List.of("late ", "answer"), 10, 2).delayed(1500));
        String agentId = agent("openai/gpt-4o-mini");
        HttpResponse<Stream<String>> response = open("/v1/agents/" + agentId + "/execute", "POST", body("slow?"), ORG_A);
        Iterator<String> lines = response.body().iterator();
        Frame start = next(lines);
        assertThat(start.type()).isEqualTo("execution_start");
        String executionId = start.data().get("executionId").getStringValue();
        response.body().close(); // the client goes away while the model is still thinking

        String detail = "/v1/agents/" + agentId + "/executions/" + executionId;
        assertThat(api.get(detail, ORG_A).tree().get("status").getStringValue()).isEqualTo("running");
        Poll.until(() -> api.get(detail, ORG_A).tree().get("status").getStringValue(), "completed"::equals,
                Duration.ofSeconds(20));
        assertThat(api.get(detail, ORG_A).tree().get("finalOutput").getStringValue()).isEqualTo("late answer");
        List<Frame> replayed = readAll(open(detail + "/events?after=0", "GET", null, ORG_A));
        assertThat(replayed.getFirst().id()).isEqualTo("1");
        assertThat(replayed.getLast().type()).isEqualTo("execution_complete");
        assertThat(replayed.stream().filter(f -> f.type().startsWith("execution_"))).hasSize(1);
    }

    @Test
    void replayLiveTailsARunningExecution() throws Exception {
        openAi.enqueue(FakeModelServer.Reply.openAiStream(List.of("tailed"), 10, 1).delayed(1000));
        String agentId = agent("openai/gpt-4o-mini");
        HttpResponse<Stream<String>> response = open("/v1/agents/" + agentId + "/execute", "POST", body("tail"), ORG_A);
        Iterator<String> lines = response.body().iterator();
        String executionId = next(lines).data().get("executionId").getStringValue();
        // a second reader attaches while it runs and gets everything through the terminal frame
        List<Frame> tailed = readAll(open("/v1/agents/" + agentId + "/executions/" + executionId + "/events", "GET",
                null, ORG_A));
        assertThat(tailed.getFirst().type()).isEqualTo("execution_start");
        assertThat(tailed.getLast().type()).isEqualTo("execution_complete");
        response.body().close();
    }

    @Test
    void badExecuteRequestsAreProblemsInStreamingModeToo() {
        String agentId = agent("local");
        String path = "/v1/agents/" + agentId + "/execute";
        api.post(path, "{\"messages\": [{\"role\": \"user\", \"content\": \"nul \\u0000 here\"}]}", ORG_A).assertProblem(400);
        api.post(path, "{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}], \"options\": {\"streamResponse\": \"yes\"}}",
                ORG_A).assertProblem(400);
        api.post(path, "{\"messages\": [{\"role\": \"user\", \"content\": \"" + "x".repeat(1_100_000) + "\"}]}", ORG_A)
                .assertProblem(413);
        api.post(path, "{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}", ORG_B).assertProblem(404, "not_found");
        assertThat(api.get("/v1/agents/" + agentId + "/executions", ORG_A).tree().get("data").size()).isZero();
    }
}
