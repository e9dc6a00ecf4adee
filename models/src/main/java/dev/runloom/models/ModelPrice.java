package dev.runloom.models;

import io.micronaut.serde.annotation.Serdeable;

import java.math.BigDecimal;

/** USD per million tokens; stored with every cost so a later price change never rewrites history. */
@Serdeable
public record ModelPrice(String model, BigDecimal inputPerMillion, BigDecimal outputPerMillion,
                         BigDecimal cachedInputPerMillion) {
}
