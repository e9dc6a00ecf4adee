package dev.runloom.models.providers;

import dev.runloom.models.ChatMessage;
import dev.runloom.models.ModelCall;
import dev.runloom.models.ModelCallException;
import dev.runloom.models.ModelCallPolicy;
import dev.runloom.models.ModelFailure;
import dev.runloom.models.ModelRequest;
import dev.runloom.models.ResponseFormat;
import dev.runloom.models.ToolCallRequest;
import dev.runloom.models.ToolSpec;
import dev.runloom.testsupport.FakeModelServer;
import dev.runloom.testsupport.FakeModelServer.Reply;
import io.micronaut.json.JsonMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** The Anthropic provider: LangChain4j's real {@code AnthropicChatModel} against a fake /v1/messages server. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AnthropicProviderTest {
    private final FakeModelServer unused = new FakeModelServer();
    private final FakeModelServer server = new FakeModelServer();
    private final JsonMapper json = JsonMapper.createDefault();
    private FakeProviderFixture fixture;

    @BeforeEach
    void reset() {
        server.reset();
        server.answerByDefault(Reply.anthropic("default", 1, 1, 0));
        fixture = new FakeProviderFixture(unused, server);
    }

    @AfterAll
    void stop() {
        server.close();
        unused.close();
    }

    private static ModelRequest ask(String prompt) {
        return new ModelRequest("claude", "Be brief.", List.of(ChatMessage.user(prompt)), 0.0, 200);
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> body(FakeModelServer.Recorded request) throws IOException {
        return json.readValue(request.body(), Map.class);
    }

    @Test
    void messagesWireFormatUsageAndCost() throws IOException {
        server.enqueue(Reply.anthropic("Bonjour.", 800, 100, 200));

        ModelCall call = fixture.caller.call(ask("Say hello in French"), ModelCallPolicy.once());

        assertThat(call.response().text()).isEqualTo("Bonjour.");
        assertThat(call.response().finishReason()).isEqualTo("stop");
        // Anthropic's input_tokens leave cache reads out; prompt tokens put them back in
        assertThat(call.response().usage().promptTokens()).isEqualTo(1000);
        assertThat(call.response().usage().cachedPromptTokens()).isEqualTo(200);
        assertThat(call.response().usage().completionTokens()).isEqualTo(100);
        // 800 × 3/M + 200 × 0.3/M + 100 × 15/M = 0.0024 + 0.00006 + 0.0015
        assertThat(call.cost()).isEqualByComparingTo("0.00396");
        assertThat(call.price().model()).isEqualTo("claude");

        FakeModelServer.Recorded request = server.requests().getFirst();
        assertThat(request.path()).isEqualTo("/v1/messages");
        assertThat(request.header("x-api-key")).isEqualTo("sk-ant-test");
        assertThat(request.header("anthropic-version")).isEqualTo("2023-06-01");
        Map<String, Object> sent = body(request);
        assertThat(sent).containsEntry("model", "claude-sonnet-4-5").containsEntry("max_tokens", 200);
        assertThat(sent.get("system").toString()).contains("Be brief.");
        assertThat(sent.get("messages").toString()).contains("Say hello in French");
    }

    @Test
    void jsonIsAskedForInWordsAndValidated() throws IOException {
        server.enqueue(Reply.anthropic("{\"lang\":\"fr\"}", 10, 5, 0), Reply.anthropic("It is French.", 10, 5, 0));

        ModelCall ok = fixture.caller.call(ask("Which language?").withResponseFormat(ResponseFormat.JSON), ModelCallPolicy.once());
        assertThat(ok.response().text()).isEqualTo("{\"lang\":\"fr\"}");
        Map<String, Object> sent = body(server.requests().getFirst());
        assertThat(sent).doesNotContainKey("response_format").doesNotContainKey("output_format");
        assertThat(sent.get("system").toString()).contains("Be brief.").contains("valid JSON");

        ModelCallException e = catchThrowableOfType(ModelCallException.class, () -> fixture.caller.call(
                ask("Which language?").withResponseFormat(ResponseFormat.JSON), ModelCallPolicy.once()));
        assertThat(e.failure().kind()).isEqualTo(ModelFailure.Kind.INVALID_JSON);
        assertThat(e.getMessage()).contains("model claude").contains("It is French.");
    }

    @Test
    void toolUseIsParsed() throws IOException {
        server.enqueue(Reply.anthropicToolUse("toolu_1", "get_weather", "{\"city\":\"Lyon\"}"));
        ToolSpec weather = new ToolSpec("get_weather", "Weather now", Map.of("type", "object",
                "properties", Map.of("city", Map.of("type", "string"))));
        ModelCall call = fixture.caller.call(ask("Weather in Lyon?").withTools(List.of(weather)), ModelCallPolicy.once());
        ToolCallRequest requested = call.response().toolCalls().getFirst();
        assertThat(call.response().toolCalls()).hasSize(1);
        assertThat(requested.id()).isEqualTo("toolu_1");
        assertThat(requested.name()).isEqualTo("get_weather");
        assertThat(json.readValue(requested.arguments(), Map.class)).isEqualTo(Map.of("city", "Lyon"));
        assertThat(call.response().finishReason()).isEqualTo("tool_calls");
        assertThat(body(server.requests().getFirst()).get("tools").toString()).contains("get_weather");
    }

    @Test
    void overloadedIsRetriedAfterRetryAfter() {
        server.enqueue(Reply.withHeaders(529, "{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}",
                Map.of("retry-after", "0.2")), Reply.anthropic("fine", 3, 1, 0));
        ModelCall call = fixture.caller.call(ask("hi"), new ModelCallPolicy(2, null, null, null));
        assertThat(call.response().text()).isEqualTo("fine");
        assertThat(call.retries()).isEqualTo(1);
        assertThat(fixture.waits).containsExactly(Duration.ofMillis(200));
    }

    @Test
    void rateLimitedWithoutRetriesFailsWithTheProvidersWords() {
        server.enqueue(Reply.withHeaders(429, "{\"type\":\"error\",\"error\":{\"type\":\"rate_limit_error\",\"message\":\"Too many\"}}",
                Map.of("retry-after", "1")));
        ModelCallException e = catchThrowableOfType(ModelCallException.class,
                () -> fixture.caller.call(ask("hi"), ModelCallPolicy.once()));
        assertThat(e.failure().kind()).isEqualTo(ModelFailure.Kind.RATE_LIMITED);
        assertThat(e.getMessage()).contains("HTTP 429").contains("Too many");
        assertThat(e.attempts()).isEqualTo(1);
    }

    @Test
    void streamingDeliversTextDeltasAndUsage() {
        server.enqueue(Reply.anthropicStream(List.of("Bon", "jour", "."), 40, 6));
        List<String> deltas = new CopyOnWriteArrayList<>();
        ModelCall call = fixture.caller.stream(ask("Say hello in French"), ModelCallPolicy.once(), deltas::add);
        assertThat(deltas).containsExactly("Bon", "jour", ".");
        assertThat(call.response().text()).isEqualTo("Bonjour.");
        assertThat(call.response().usage().promptTokens()).isEqualTo(40);
        assertThat(call.response().usage().completionTokens()).isEqualTo(6);
        assertThat(call.response().finishReason()).isEqualTo("stop");
        // 40 × 3/M + 6 × 15/M
        assertThat(call.cost()).isEqualByComparingTo("0.00021");
    }

    @Test
    void aStreamingFailureIsACleanFailure() throws IOException {
        server.enqueue(Reply.json(400, "{\"type\":\"error\",\"error\":{\"type\":\"invalid_request_error\",\"message\":\"no\"}}"));
        List<String> deltas = new CopyOnWriteArrayList<>();
        ModelCallException e = catchThrowableOfType(ModelCallException.class,
                () -> fixture.caller.stream(ask("hi"), ModelCallPolicy.once(), deltas::add));
        assertThat(e.failure().kind()).isEqualTo(ModelFailure.Kind.REJECTED);
        assertThat(deltas).isEmpty();
        assertThat(body(server.requests().getFirst())).containsEntry("stream", true);
    }
}
