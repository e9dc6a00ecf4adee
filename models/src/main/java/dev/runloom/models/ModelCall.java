package dev.runloom.models;

import java.math.BigDecimal;

/** A completed model call with its cost, computed when the call was made, and the price used. */
public record ModelCall(ModelResponse response, BigDecimal cost, ModelPrice price, long durationMs) {
}
