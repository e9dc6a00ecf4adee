package dev.runloom.models;

import dev.runloom.common.problem.ProblemException;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** {@link Models}: provider selection, pricing of the call (local variants priced as local), unknown models. */
class ModelsTest {

    private static PriceTable prices() {
        PriceTable.Entry local = new PriceTable.Entry("local");
        local.setInputPerMillion(new BigDecimal("1"));
        local.setOutputPerMillion(new BigDecimal("2"));
        return new PriceTable(List.of(local));
    }

    private static ModelRequest request(String model) {
        return new ModelRequest(model, null, List.of(new ChatMessage("user", "hello")), null, null);
    }

    @Test
    void localCallIsPricedFromTheTable() {
        ModelCall call = new Models(List.of(new LocalModel()), prices()).complete(request("local"));
        TokenUsage usage = call.response().usage();
        BigDecimal expected = BigDecimal.valueOf(usage.promptTokens()).add(BigDecimal.valueOf(2 * usage.completionTokens()))
                .movePointLeft(6);
        assertThat(call.cost()).isEqualByComparingTo(expected);
        assertThat(call.price().model()).isEqualTo("local");
        assertThat(call.durationMs()).isNotNegative();
    }

    @Test
    void localVariantIsPricedAsLocal() {
        ModelCall call = new Models(List.of(new LocalModel()), prices()).complete(request("local/fast"));
        assertThat(call.price().model()).isEqualTo("local");
        assertThat(call.cost()).isPositive();
        assertThat(call.response().model()).isEqualTo("local/fast");
    }

    @Test
    void firstServingProviderAnswers() {
        ModelProvider echo = new ModelProvider() {
            @Override
            public boolean serves(String model) {
                return model.equals("echo");
            }

            @Override
            public ModelResponse complete(ModelRequest r) {
                return new ModelResponse(r.model(), "echo", new TokenUsage(1, 1, 0), "stop");
            }
        };
        Models models = new Models(List.of(new LocalModel(), echo), prices());
        assertThat(models.complete(request("echo")).response().text()).isEqualTo("echo");
        assertThat(models.complete(request("echo")).cost()).isEqualByComparingTo("0");
        assertThat(models.complete(request("local")).response().text()).startsWith("Local model reply");
    }

    @Test
    void unservedModelIs400UnknownModel() {
        ProblemException e = catchThrowableOfType(ProblemException.class,
                () -> new Models(List.of(new LocalModel()), prices()).complete(request("gpt-9")));
        assertThat(e).isNotNull();
        assertThat(e.problem().status()).isEqualTo(400);
        assertThat(e.problem().code()).isEqualTo("unknown_model");
        assertThat(e.problem().detail()).contains("'gpt-9'");
    }
}
