package dev.runloom.models;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** {@link PriceTable}: configured prices, cached-input pricing, unknown models and exact BigDecimal cost. */
class PriceTableTest {

    private static PriceTable.Entry entry(String model, String input, String output, String cached) {
        PriceTable.Entry e = new PriceTable.Entry(model);
        if (input != null) {
            e.setInputPerMillion(new BigDecimal(input));
        }
        if (output != null) {
            e.setOutputPerMillion(new BigDecimal(output));
        }
        if (cached != null) {
            e.setCachedInputPerMillion(new BigDecimal(cached));
        }
        return e;
    }

    private final PriceTable table = new PriceTable(List.of(
            entry("gpt-4o", "2.5", "10", "1.25"),
            entry("claude-sonnet", "3", "15", null),
            entry("tiny", "0.00005", null, null)));

    private static BigDecimal usd(String value) {
        return new BigDecimal(value);
    }

    @Test
    void priceOfAConfiguredModel() {
        assertThat(table.priceOf("gpt-4o"))
                .isEqualTo(new ModelPrice("gpt-4o", usd("2.5"), usd("10"), usd("1.25")));
    }

    @Test
    void cachedInputDefaultsToTheInputPrice() {
        assertThat(table.priceOf("claude-sonnet").cachedInputPerMillion()).isEqualByComparingTo("3");
    }

    @Test
    void unsetOutputPriceIsZero() {
        assertThat(table.priceOf("tiny").outputPerMillion()).isEqualByComparingTo("0");
    }

    @Test
    void unknownModelHasAZeroPriceUnderItsOwnName() {
        ModelPrice price = table.priceOf("mystery-model");
        assertThat(price.model()).isEqualTo("mystery-model");
        assertThat(price.inputPerMillion()).isEqualByComparingTo("0");
        assertThat(price.outputPerMillion()).isEqualByComparingTo("0");
        assertThat(price.cachedInputPerMillion()).isEqualByComparingTo("0");
    }

    @Test
    void unknownModelCostsZero() {
        assertThat(table.cost(table.priceOf("mystery-model"), new TokenUsage(1_000_000, 1_000_000, 0)))
                .isEqualByComparingTo("0");
    }

    @Test
    void modelNamesAreExact() {
        assertThat(table.priceOf("GPT-4O").inputPerMillion()).isEqualByComparingTo("0");
    }

    @Test
    void inputAndOutputArePricedPerMillion() {
        // 1000 × 3/M + 500 × 15/M = 0.003 + 0.0075
        assertThat(table.cost(table.priceOf("claude-sonnet"), new TokenUsage(1000, 500, 0))).isEqualTo(usd("0.0105"));
    }

    @Test
    void cachedTokensArePricedAtTheCachedRate() {
        // 600 uncached × 2.5/M + 400 cached × 1.25/M + 200 × 10/M = 0.0015 + 0.0005 + 0.002
        assertThat(table.cost(table.priceOf("gpt-4o"), new TokenUsage(1000, 200, 400))).isEqualTo(usd("0.004"));
    }

    @Test
    void cachedTokensWithoutCachedPriceCostLikeInput() {
        ModelPrice price = table.priceOf("claude-sonnet");
        assertThat(table.cost(price, new TokenUsage(1000, 0, 400)))
                .isEqualByComparingTo(table.cost(price, new TokenUsage(1000, 0, 0)));
    }

    @Test
    void cachedTokensBeyondPromptTokensNeverMakeUncachedNegative() {
        // uncached input is clamped at 0: only the 10 cached tokens are charged
        assertThat(table.cost(table.priceOf("gpt-4o"), new TokenUsage(5, 0, 10))).isEqualTo(usd("0.0000125"));
    }

    @Test
    void zeroTokensCostZero() {
        assertThat(table.cost(table.priceOf("gpt-4o"), new TokenUsage(0, 0, 0))).isEqualByComparingTo("0");
    }

    @Test
    void resultHasNoTrailingZeros() {
        BigDecimal cost = table.cost(table.priceOf("gpt-4o"), new TokenUsage(1_000_000, 0, 0));
        assertThat(cost).isEqualTo(usd("2.5"));
        assertThat(cost.toPlainString()).isEqualTo("2.5");
    }

    @Test
    void roundsHalfUpAtTenDecimalPlaces() {
        // 1 token × 0.00005/M = 0.00000000005 → 0.0000000001
        assertThat(table.cost(table.priceOf("tiny"), new TokenUsage(1, 0, 0))).isEqualTo(usd("1E-10"));
    }

    @Test
    void roundsBelowHalfDownAtTenDecimalPlaces() {
        PriceTable t = new PriceTable(List.of(entry("tinier", "0.00004", null, null)));
        assertThat(t.cost(t.priceOf("tinier"), new TokenUsage(1, 0, 0))).isEqualByComparingTo("0");
    }

    @Test
    void costNeverHasMoreThanTenDecimals() {
        PriceTable t = new PriceTable(List.of(entry("odd", "0.123456789", "0.987654321", null)));
        BigDecimal cost = t.cost(t.priceOf("odd"), new TokenUsage(7, 3, 0));
        assertThat(cost.scale()).isLessThanOrEqualTo(10);
        // exact: (7 × 0.123456789 + 3 × 0.987654321) / 10^6 = 0.000003827160486
        assertThat(cost).isEqualTo(usd("0.0000038272"));
    }

    @Test
    void largeTokenCountsAreExact() {
        // 5 × 10^12 tokens each way: 12.5M + 50M USD, beyond what a long product in micro-dollars could hold exactly
        assertThat(table.cost(table.priceOf("gpt-4o"), new TokenUsage(5_000_000_000_000L, 5_000_000_000_000L, 0)))
                .isEqualByComparingTo("62500000");
    }

    @Test
    void maxLongTokenCountsDoNotOverflow() {
        BigDecimal cost = table.cost(table.priceOf("claude-sonnet"), new TokenUsage(Long.MAX_VALUE, Long.MAX_VALUE, 0));
        // exact: (3 + 15) × 9223372036854775807 / 10^6 = 166020696663385.964526
        assertThat(cost).isPositive();
        assertThat(cost).isCloseTo(usd("166020696663385.964526"), within(usd("0.1")));
    }
}
