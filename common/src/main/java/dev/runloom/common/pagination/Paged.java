package dev.runloom.common.pagination;

import io.micronaut.serde.annotation.Serdeable;

import java.util.List;

/** The {@code { data, pagination }} envelope every list endpoint answers with. */
@Serdeable
public record Paged<T, P>(List<T> data, P pagination) {
}
