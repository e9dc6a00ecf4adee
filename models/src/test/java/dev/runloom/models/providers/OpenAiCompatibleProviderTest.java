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

/**
 * The OpenAI-compatible provider: LangChain4j's real {@code OpenAiChatModel} over HTTP against a fake
 * chat/completions server on loopback, under {@link dev.runloom.models.ModelCaller}'s policy.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OpenAiCompatibleProviderTest {
    private final FakeModelServer server = new FakeModelServer();
    private final FakeModelServer unused = new FakeModelServer();
    private final JsonMapper json = JsonMapper.createDefault();
    private FakeProviderFixture fixture;

    @BeforeEach
    void reset() {
        server.reset();
        server.answerByDefault(Reply.openAi("default", 1, 1, 0));
        fixture = new FakeProviderFixture(server, unused);
    }

    @AfterAll
    void stop() {
        server.close();
        unused.close();
    }

    private static ModelRequest ask(String model, String prompt) {
        return new ModelRequest(model, "Be brief.", List.of(ChatMessage.user(prompt)), 0.2, 100);
    }

    private static ModelCallPolicy retries(int n) {
        return new ModelCallPolicy(n, null, null, null);
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> body(FakeModelServer.Recorded request) throws IOException {
        return json.readValue(request.body(), Map.class);
    }

    @Test
    @SuppressWarnings("unchecked")
    void usageFromTheProviderIsPricedWithThePriceUsed() throws IOException {
        server.enqueue(Reply.openAi("Paris.", 1200, 300, 200));

        ModelCall call = fixture.caller.call(ask("gpt-4o", "Capital of France?"), ModelCallPolicy.once());

        assertThat(call.response().text()).isEqualTo("Paris.");
        assertThat(call.response().model()).isEqualTo("gpt-4o");
        assertThat(call.response().finishReason()).isEqualTo("stop");
        assertThat(call.response().usage().promptTokens()).isEqualTo(1200);
        assertThat(call.response().usage().completionTokens()).isEqualTo(300);
        assertThat(call.response().usage().cachedPromptTokens()).isEqualTo(200);
        // 1000 × 2.5/M + 200 × 1.25/M + 300 × 10/M = 0.0025 + 0.00025 + 0.003
        assertThat(call.cost()).isEqualByComparingTo("0.00575");
        assertThat(call.price().model()).isEqualTo("gpt-4o");
        assertThat(call.price().cachedInputPerMillion()).isEqualByComparingTo("1.25");
        assertThat(call.retries()).isZero();

        FakeModelServer.Recorded request = server.requests().getFirst();
        assertThat(request.path()).isEqualTo("/v1/chat/completions");
        assertThat(request.header("Authorization")).isEqualTo("Bearer sk-test-openai");
        Map<String, Object> sent = body(request);
        assertThat(sent).containsEntry("model", "gpt-4o-2024-08-06").doesNotContainKey("response_format");
        assertThat((List<Object>) sent.get("messages")).containsExactly(
                Map.of("role", "system", "content", "Be brief."), Map.of("role", "user", "content", "Capital of France?"));
    }

    @Test
    void providerSlashModelNeedsNoAliasAndIsPricedByItsModelId() throws IOException {
        server.enqueue(Reply.openAi("ok", 1_000_000, 0, 0));
        ModelCall call = fixture.caller.call(ask("openai/gpt-4o-mini", "hi"), ModelCallPolicy.once());
        assertThat(body(server.requests().getFirst())).containsEntry("model", "gpt-4o-mini");
        assertThat(call.price().model()).isEqualTo("gpt-4o-mini");
        assertThat(call.cost()).isEqualByComparingTo("0.15");
    }

    @Test
    void jsonModeAsksForAJsonObjectAndAcceptsJson() throws IOException {
        server.enqueue(Reply.openAi("```json\n{\"score\": 7}\n```", 10, 5, 0));
        ModelCall call = fixture.caller.call(ask("gpt-4o", "Score it").withResponseFormat(ResponseFormat.JSON),
                ModelCallPolicy.once());
        assertThat(call.response().text()).isEqualTo("{\"score\": 7}");
        assertThat(body(server.requests().getFirst())).containsEntry("response_format", Map.of("type", "json_object"));
    }

    @Test
    void invalidJsonIsAFailureWithAClearMessageAndItsTokensStillCount() {
        server.enqueue(Reply.openAi("Sure! The score is seven.", 10, 6, 0));
        ModelCallException e = catchThrowableOfType(ModelCallException.class, () -> fixture.caller.call(
                ask("gpt-4o", "Score it").withResponseFormat(ResponseFormat.JSON), retries(2)));
        assertThat(e.failure().kind()).isEqualTo(ModelFailure.Kind.INVALID_JSON);
        assertThat(e.getMessage()).contains("JSON was asked for").contains("not valid JSON").contains("Sure! The score");
        assertThat(e.attempts()).isEqualTo(1); // not retried: the same prompt would get the same kind of answer
        assertThat(e.spent()).isNotNull();
        assertThat(e.spent().response().usage().completionTokens()).isEqualTo(6);
        assertThat(e.spent().cost()).isPositive();
    }

    @Test
    void rateLimitWaitsForRetryAfterThenSucceeds() {
        server.enqueue(Reply.withHeaders(429, "{\"error\":{\"message\":\"Rate limit reached\",\"type\":\"requests\"}}",
                Map.of("Retry-After", "1")), Reply.openAi("done", 5, 2, 0));

        ModelCall call = fixture.caller.call(ask("gpt-4o", "hi"), retries(2));

        assertThat(call.response().text()).isEqualTo("done");
        assertThat(call.retries()).isEqualTo(1);
        assertThat(fixture.waits).containsExactly(Duration.ofSeconds(1));
        List<FakeModelServer.Recorded> requests = server.requests();
        assertThat(requests).hasSize(2);
        long gapMs = (requests.get(1).atNanos() - requests.get(0).atNanos()) / 1_000_000;
        assertThat(gapMs).isGreaterThanOrEqualTo(1000);
    }

    @Test
    void retryAfterInMillisecondsIsPreferred() {
        server.enqueue(Reply.withHeaders(429, "{}", Map.of("retry-after-ms", "150", "Retry-After", "9")),
                Reply.openAi("done", 5, 2, 0));
        fixture.caller.call(ask("gpt-4o", "hi"), retries(1));
        assertThat(fixture.waits).containsExactly(Duration.ofMillis(150));
    }

    @Test
    void retryAfterBeyondTheLimitIsNotWaitedFor() {
        server.enqueue(Reply.withHeaders(429, "{\"error\":{\"message\":\"quota\"}}", Map.of("Retry-After", "3600")));
        ModelCallException e = catchThrowableOfType(ModelCallException.class,
                () -> fixture.caller.call(ask("gpt-4o", "hi"), retries(3)));
        assertThat(e.failure().kind()).isEqualTo(ModelFailure.Kind.RATE_LIMITED);
        assertThat(e.attempts()).isEqualTo(1);
        assertThat(fixture.waits).isEmpty();
        assertThat(e.getMessage()).contains("HTTP 429").contains("retry after 3600 s");
    }

    @Test
    void serverErrorThenSuccessCountsOneRetry() {
        server.enqueue(Reply.json(500, "{\"error\":{\"message\":\"boom\"}}"), Reply.openAi("recovered", 3, 1, 0));
        ModelCall call = fixture.caller.call(ask("gpt-4o", "hi"), retries(3));
        assertThat(call.response().text()).isEqualTo("recovered");
        assertThat(call.retries()).isEqualTo(1);
        // backoff with jitter: between half and all of the 20 ms base
        assertThat(fixture.waits).singleElement().satisfies(d -> assertThat(d.toMillis()).isBetween(10L, 20L));
    }

    @Test
    void serverErrorsExhaustTheRetriesWithExponentialBackoff() {
        server.answerByDefault(Reply.json(503, "{\"error\":{\"message\":\"overloaded\"}}"));
        ModelCallException e = catchThrowableOfType(ModelCallException.class,
                () -> fixture.caller.call(ask("gpt-4o", "hi"), retries(3)));
        assertThat(e.attempts()).isEqualTo(4);
        assertThat(e.failure().kind()).isEqualTo(ModelFailure.Kind.SERVER_ERROR);
        assertThat(e.getMessage()).isEqualTo("model gpt-4o failed after 4 attempts: the provider answered HTTP 503: "
                + "{\"error\":{\"message\":\"overloaded\"}}");
        assertThat(fixture.waits).hasSize(3);
        assertThat(fixture.waits.get(2).toMillis()).isBetween(40L, 80L);
    }

    @Test
    void rejectedRequestsAreNotRetried() {
        server.enqueue(Reply.json(401, "{\"error\":{\"message\":\"Incorrect API key\"}}"));
        ModelCallException e = catchThrowableOfType(ModelCallException.class,
                () -> fixture.caller.call(ask("gpt-4o", "hi"), retries(3)));
        assertThat(e.attempts()).isEqualTo(1);
        assertThat(e.failure().kind()).isEqualTo(ModelFailure.Kind.REJECTED);
        assertThat(e.getMessage()).contains("HTTP 401").contains("Incorrect API key").doesNotContain("sk-test-openai");
    }

    @Test
    void fallbackModelAnswersWhenThePrimaryKeepsFailing() {
        server.enqueue(Reply.json(500, "{}"), Reply.json(500, "{}"), Reply.openAi("from mini", 4, 2, 0));
        ModelCall call = fixture.caller.call(ask("gpt-4o", "hi"), new ModelCallPolicy(1, null, "mini", null));
        assertThat(call.response().text()).isEqualTo("from mini");
        assertThat(call.response().model()).isEqualTo("mini");
        assertThat(call.price().model()).isEqualTo("gpt-4o-mini");
        assertThat(call.retries()).isEqualTo(2);
    }

    @Test
    void aSlowProviderTimesOutAndTheCallEnds() {
        server.enqueue(Reply.openAi("too late", 1, 1, 0).delayed(3000));
        long start = System.nanoTime();
        ModelCallException e = catchThrowableOfType(ModelCallException.class, () -> fixture.caller.call(ask("gpt-4o", "hi"),
                new ModelCallPolicy(0, Duration.ofMillis(400), null, null)));
        long tookMs = (System.nanoTime() - start) / 1_000_000;
        assertThat(e.failure().kind()).isEqualTo(ModelFailure.Kind.TIMEOUT);
        assertThat(e.getMessage()).contains("did not answer in time").contains("400 ms");
        assertThat(tookMs).isLessThan(2500);
    }

    @Test
    void aProviderStallingMidBodyTimesOutToo() {
        // the JDK's own request timeout stops at the response headers; the transport's covers the body
        server.enqueue(Reply.stallingBody(3000));
        long start = System.nanoTime();
        ModelCallException e = catchThrowableOfType(ModelCallException.class, () -> fixture.caller.call(ask("gpt-4o", "hi"),
                new ModelCallPolicy(0, Duration.ofMillis(400), null, null)));
        assertThat(e.failure().kind()).isEqualTo(ModelFailure.Kind.TIMEOUT);
        assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(2500);
    }

    @Test
    void aGarbageBodyIsAMalformedAnswerNotRetried() {
        server.enqueue(Reply.json(200, "<html>gateway says hi</html>"));
        ModelCallException e = catchThrowableOfType(ModelCallException.class,
                () -> fixture.caller.call(ask("gpt-4o", "hi"), retries(2)));
        assertThat(e.failure().kind()).isEqualTo(ModelFailure.Kind.MALFORMED_ANSWER);
        assertThat(e.attempts()).isEqualTo(1);
        assertThat(e.getMessage()).startsWith("model gpt-4o failed after 1 attempt: the provider's answer is malformed");
    }

    @Test
    void anAnswerWithoutChoicesIsMalformed() {
        server.enqueue(Reply.json(200, "{\"id\":\"x\",\"choices\":[]}"));
        ModelCallException e = catchThrowableOfType(ModelCallException.class,
                () -> fixture.caller.call(ask("gpt-4o", "hi"), retries(2)));
        assertThat(e.failure().kind()).isEqualTo(ModelFailure.Kind.MALFORMED_ANSWER);
        assertThat(e.attempts()).isEqualTo(1);
    }

    @Test
    void connectionRefusedIsRetriedThenReported() {
        FakeModelServer gone = new FakeModelServer();
        FakeProviderFixture offline = new FakeProviderFixture(gone, unused);
        gone.close();
        ModelCallException e = catchThrowableOfType(ModelCallException.class,
                () -> offline.caller.call(ask("gpt-4o", "hi"), retries(1)));
        assertThat(e.failure().kind()).isEqualTo(ModelFailure.Kind.CONNECTION);
        assertThat(e.attempts()).isEqualTo(2);
        assertThat(e.getMessage()).contains("cannot reach the provider");
    }

    @Test
    @SuppressWarnings("unchecked")
    void toolCallRequestsAreParsedAndToolsSent() throws IOException {
        server.enqueue(Reply.openAiToolCall("call_1", "lookup_order", "{\"orderId\":\"o-42\"}"));
        ToolSpec lookup = new ToolSpec("lookup_order", "Finds an order", Map.of("type", "object",
                "properties", Map.of("orderId", Map.of("type", "string")), "required", List.of("orderId")));

        ModelCall call = fixture.caller.call(ask("gpt-4o", "Where is o-42?").withTools(List.of(lookup)), ModelCallPolicy.once());

        assertThat(call.response().toolCalls()).containsExactly(new ToolCallRequest("call_1", "lookup_order", "{\"orderId\":\"o-42\"}"));
        assertThat(call.response().finishReason()).isEqualTo("tool_calls");
        assertThat(call.response().text()).isEmpty();
        Map<String, Object> sent = body(server.requests().getFirst());
        assertThat((List<?>) sent.get("tools")).singleElement().satisfies(t -> {
            Map<?, ?> function = (Map<?, ?>) ((Map<?, ?>) t).get("function");
            assertThat(function.get("name")).isEqualTo("lookup_order");
            assertThat(((Map<?, ?>) function.get("parameters")).get("required")).isEqualTo(List.of("orderId"));
        });

        // the conversation continues with the tool's result
        server.enqueue(Reply.openAi("It ships today.", 40, 5, 0));
        ModelRequest followUp = new ModelRequest("gpt-4o", null, List.of(ChatMessage.user("Where is o-42?"),
                ChatMessage.assistant(null, call.response().toolCalls()),
                ChatMessage.toolResult("call_1", "lookup_order", "{\"status\":\"packed\"}")), null, null).withTools(List.of(lookup));
        assertThat(fixture.caller.call(followUp, ModelCallPolicy.once()).response().text()).isEqualTo("It ships today.");
        List<?> messages = (List<?>) body(server.requests().get(1)).get("messages");
        assertThat(messages).hasSize(3);
        assertThat((Map<String, Object>) messages.get(2)).containsEntry("role", "tool").containsEntry("tool_call_id", "call_1");
    }

    @Test
    void streamingDeliversDeltasAndTheWholeAnswer() throws IOException {
        server.enqueue(Reply.openAiStream(List.of("Hel", "lo, ", "world"), 12, 3));
        List<String> deltas = new CopyOnWriteArrayList<>();

        ModelCall call = fixture.caller.stream(ask("gpt-4o", "greet"), ModelCallPolicy.once(), deltas::add);

        assertThat(deltas).containsExactly("Hel", "lo, ", "world");
        assertThat(call.response().text()).isEqualTo("Hello, world");
        assertThat(call.response().usage().promptTokens()).isEqualTo(12);
        assertThat(call.response().usage().completionTokens()).isEqualTo(3);
        assertThat(call.cost()).isEqualByComparingTo("0.00006"); // 12 × 2.5/M + 3 × 10/M
        assertThat(body(server.requests().getFirst())).containsEntry("stream", true);
    }

    @Test
    void streamingRetriesAFailureBeforeTheFirstDelta() {
        server.enqueue(Reply.json(502, "{}"), Reply.openAiStream(List.of("ok"), 1, 1));
        List<String> deltas = new CopyOnWriteArrayList<>();
        ModelCall call = fixture.caller.stream(ask("gpt-4o", "hi"), retries(1), deltas::add);
        assertThat(deltas).containsExactly("ok");
        assertThat(call.retries()).isEqualTo(1);
    }

    @Test
    void aStalledStreamTimesOut() {
        server.enqueue(Reply.openAiStream(List.of("late"), 1, 1).delayed(3000));
        ModelCallException e = catchThrowableOfType(ModelCallException.class, () -> fixture.caller.stream(ask("gpt-4o", "hi"),
                new ModelCallPolicy(0, Duration.ofMillis(400), null, null), d -> { }));
        assertThat(e.failure().kind()).isEqualTo(ModelFailure.Kind.TIMEOUT);
    }
}
