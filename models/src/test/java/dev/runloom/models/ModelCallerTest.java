package dev.runloom.models;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** {@link ModelCaller} without HTTP: fallbacks, JSON checks, the local model's JSON mode, Retry-After parsing. */
class ModelCallerTest {
    private final List<Duration> waits = new ArrayList<>();

    private ModelCaller caller(ModelProvider... extra) {
        List<ModelProvider> providers = new ArrayList<>(List.of(new LocalModel()));
        providers.addAll(List.of(extra));
        PriceTable.Entry local = new PriceTable.Entry("local");
        local.setInputPerMillion(new BigDecimal("1"));
        return new ModelCaller(new Models(providers, new PriceTable(List.of(local))), Duration.ofSeconds(5),
                Duration.ofMillis(100), Duration.ofMillis(300), Duration.ofSeconds(5), waits::add);
    }

    private static ModelRequest ask(String model) {
        return new ModelRequest(model, null, List.of(ChatMessage.user("hello")), null, null);
    }

    /** A provider failing {@code failures} times with {@code error}, then answering {@code text}. */
    private static ModelProvider flaky(String name, int failures, RuntimeException error, String text) {
        AtomicInteger calls = new AtomicInteger();
        return new ModelProvider() {
            @Override
            public boolean serves(String model) {
                return model.equals(name);
            }

            @Override
            public ModelResponse complete(ModelRequest request) {
                if (calls.incrementAndGet() <= failures) {
                    throw error;
                }
                return new ModelResponse(request.model(), text, new TokenUsage(3, 2, 0), "stop");
            }
        };
    }

    @Test
    void anUnknownModelFallsBackToTheFallbackModel() {
        ModelCall call = caller().call(ask("gpt-9"), new ModelCallPolicy(2, null, "local", null));
        assertThat(call.response().model()).isEqualTo("local");
        assertThat(call.retries()).isEqualTo(1); // the unknown model was one attempt, not retried
        assertThat(waits).isEmpty();
    }

    @Test
    void anUnknownModelWithoutFallbackFailsNamingIt() {
        ModelCallException e = catchThrowableOfType(ModelCallException.class,
                () -> caller().call(ask("gpt-9"), ModelCallPolicy.once()));
        assertThat(e.failure().kind()).isEqualTo(ModelFailure.Kind.UNKNOWN_MODEL);
        assertThat(e.getMessage()).isEqualTo("model gpt-9 failed after 1 attempt: No configured provider serves model 'gpt-9'");
    }

    @Test
    void whenEveryModelFailsTheMessageTellsEachStory() {
        ModelProvider down = flaky("down", 99, new java.io.UncheckedIOException(new java.net.ConnectException("Connection refused")), "");
        ModelCallException e = catchThrowableOfType(ModelCallException.class,
                () -> caller(down).call(ask("down"), new ModelCallPolicy(1, null, "gpt-9", null)));
        assertThat(e.attempts()).isEqualTo(3);
        assertThat(e.model()).isEqualTo("gpt-9");
        assertThat(e.getMessage()).startsWith("every model failed after 3 attempts — down: cannot reach the provider")
                .contains("; gpt-9: No configured provider serves model 'gpt-9'");
    }

    @Test
    void backoffDoublesWithJitterUpToTheCap() {
        ModelProvider down = flaky("down", 99, new java.io.UncheckedIOException(new java.net.ConnectException("refused")), "");
        catchThrowableOfType(ModelCallException.class, () -> caller(down).call(ask("down"), new ModelCallPolicy(4, null, null, null)));
        assertThat(waits).hasSize(4);
        assertThat(waits.get(0).toMillis()).isBetween(50L, 100L);
        assertThat(waits.get(1).toMillis()).isBetween(100L, 200L);
        assertThat(waits.get(2).toMillis()).isBetween(150L, 300L); // capped at 300
        assertThat(waits.get(3).toMillis()).isBetween(150L, 300L);
    }

    @Test
    void localModelAnswersJsonWhenAskedAndItValidates() {
        ModelCall call = caller().call(ask("local").withResponseFormat(ResponseFormat.JSON), ModelCallPolicy.once());
        assertThat(call.response().text()).startsWith("{\"reply\":\"Local model reply ").endsWith(" to: hello\"}");
    }

    @Test
    void jsonValuesAreRecognised() {
        assertThat(ModelCaller.isOneJsonValue("{\"a\":[1,2]}")).isTrue();
        assertThat(ModelCaller.isOneJsonValue("[1]")).isTrue();
        assertThat(ModelCaller.isOneJsonValue("\"text\"")).isTrue();
        assertThat(ModelCaller.isOneJsonValue("{\"a\":1} trailing")).isFalse();
        assertThat(ModelCaller.isOneJsonValue("{\"a\":")).isFalse();
        assertThat(ModelCaller.isOneJsonValue("Sure, here it is")).isFalse();
        assertThat(ModelCaller.isOneJsonValue("")).isFalse();
        assertThat(ModelCaller.stripFences("```json\n{\"a\":1}\n```")).isEqualTo("{\"a\":1}");
        assertThat(ModelCaller.stripFences("  {\"a\":1}  ")).isEqualTo("{\"a\":1}");
    }

    @Test
    void retryAfterInSecondsOrAsAnHttpDate() {
        assertThat(ModelFailure.parseRetryAfter("2")).contains(Duration.ofSeconds(2));
        assertThat(ModelFailure.parseRetryAfter("0.5")).contains(Duration.ofMillis(500));
        assertThat(ModelFailure.parseRetryAfter("soon")).isEmpty();
        String inTenSeconds = DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now(java.time.ZoneOffset.UTC).plusSeconds(10));
        assertThat(ModelFailure.parseRetryAfter(inTenSeconds)).hasValueSatisfying(
                d -> assertThat(d.toSeconds()).isBetween(8L, 10L));
        String past = DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now(java.time.ZoneOffset.UTC).minusSeconds(10));
        assertThat(ModelFailure.parseRetryAfter(past)).contains(Duration.ZERO);
    }

    @Test
    void streamingFallsBackToOneDeltaForProvidersThatCannotStream() {
        List<String> deltas = new ArrayList<>();
        ModelCall call = caller().stream(ask("local"), ModelCallPolicy.once(), deltas::add);
        assertThat(deltas).containsExactly(call.response().text());
    }

    @Test
    void policyRejectsOutOfRangeRetries() {
        assertThat(catchThrowableOfType(IllegalArgumentException.class, () -> new ModelCallPolicy(11, null, null, null))).isNotNull();
        assertThat(catchThrowableOfType(IllegalArgumentException.class, () -> new ModelCallPolicy(-1, null, null, null))).isNotNull();
        assertThat(new ModelCallPolicy(0, null, "  ", null).fallbackModel()).isNull();
    }
}
