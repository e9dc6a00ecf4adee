package dev.runloom.models;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.context.annotation.EachProperty;
import io.micronaut.context.annotation.Parameter;
import io.micronaut.core.annotation.Nullable;
import jakarta.inject.Singleton;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Prices per model from configuration ({@code runloom.models.prices.<model>.input-per-million},
 * {@code output-per-million}, {@code cached-input-per-million}: USD per million tokens; {@code model}
 * overrides the key for names a configuration key cannot hold, such as {@code gpt-4.1}).
 * A model without a configured price costs nothing, which is visible (cost 0 with the zero price
 * stored beside it) rather than guessed.
 */
@Singleton
public class PriceTable {
    private static final BigDecimal MILLION = BigDecimal.valueOf(1_000_000);
    private final Map<String, ModelPrice> prices;

    public PriceTable(List<Entry> entries) {
        this.prices = entries.stream().map(Entry::toPrice).collect(Collectors.toMap(ModelPrice::model, Function.identity(), (first, second) -> second));
    }

    public boolean has(String model) {
        return prices.containsKey(model);
    }

    public ModelPrice priceOf(String model) {
        ModelPrice price = prices.get(model);
        return price != null ? price : new ModelPrice(model, BigDecimal.ZERO, BigDecimal.ZERO, BigDecimal.ZERO);
    }

    /** USD, 10 decimal places, rounded half-up. */
    public BigDecimal cost(ModelPrice price, TokenUsage usage) {
        long uncachedInput = Math.max(0, usage.promptTokens() - usage.cachedPromptTokens());
        BigDecimal total = price.inputPerMillion().multiply(BigDecimal.valueOf(uncachedInput))
                .add(price.cachedInputPerMillion().multiply(BigDecimal.valueOf(usage.cachedPromptTokens())))
                .add(price.outputPerMillion().multiply(BigDecimal.valueOf(usage.completionTokens())));
        return total.divide(MILLION, MathContext.DECIMAL64).setScale(10, RoundingMode.HALF_UP).stripTrailingZeros();
    }

    @EachProperty("runloom.models.prices")
    public static class Entry {
        private String model;
        private BigDecimal inputPerMillion = BigDecimal.ZERO;
        private BigDecimal outputPerMillion = BigDecimal.ZERO;
        private @Nullable BigDecimal cachedInputPerMillion;

        public Entry(@Parameter String model) {
            this.model = model;
        }

        public void setModel(@Nullable String model) {
            if (model != null && !model.isBlank()) {
                this.model = model.trim();
            }
        }

        public void setInputPerMillion(BigDecimal inputPerMillion) {
            this.inputPerMillion = inputPerMillion;
        }

        public void setOutputPerMillion(BigDecimal outputPerMillion) {
            this.outputPerMillion = outputPerMillion;
        }

        public void setCachedInputPerMillion(@Nullable BigDecimal cachedInputPerMillion) {
            this.cachedInputPerMillion = cachedInputPerMillion;
        }

        ModelPrice toPrice() {
            return new ModelPrice(model, inputPerMillion, outputPerMillion,
                    cachedInputPerMillion != null ? cachedInputPerMillion : inputPerMillion);
        }
    }
}
