package dev.runloom.records.record;

import io.micronaut.core.annotation.Nullable;

import java.util.List;

/** Records of a type in id order; {@code nextAfter} is the id to continue after, null at the end. */
public record RecordRefPage(List<RecordRef> records, @Nullable String nextAfter) {
}
