package dev.runloom.records.results;

import io.micronaut.serde.annotation.Serdeable;

import java.math.BigDecimal;
import java.util.List;

/**
 * {@code GET /v1/records/:id/costs} (reference §2.14): what running flows on a record has cost,
 * summed over its record results, in all and per model. Money is a JSON number here, as the
 * reference's aggregates show it.
 */
@Serdeable
public record RecordCosts(BigDecimal totalCost,
                          long totalTokens,
                          long promptTokens,
                          long completionTokens,
                          long executionCount,
                          List<ModelCost> modelBreakdown) {

    /** One model's share: {@code count} is how many results it produced. */
    @Serdeable
    public record ModelCost(String model, BigDecimal cost, long tokens, long count) {
    }
}
