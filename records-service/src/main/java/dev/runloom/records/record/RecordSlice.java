package dev.runloom.records.record;

import io.micronaut.core.annotation.Nullable;

import java.util.List;

/**
 * One keyset page of records, newest first: {@code hasMore} says whether rows follow the last one,
 * {@code total} is present only when a count was asked for.
 */
public record RecordSlice(List<Record> records, boolean hasMore, @Nullable Long total) {
}
