package dev.runloom.flows.costs;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;

import java.math.BigDecimal;
import java.time.Instant;

/** An organization's spend caps in USD; a null cap is no cap. */
@MappedEntity("budgets")
public record Budget(@Id String organizationId, @Nullable BigDecimal dailyCapUsd, @Nullable BigDecimal monthlyCapUsd,
                     Instant updatedAt) {
}
