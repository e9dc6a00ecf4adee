package dev.runloom.records.results;

import io.micronaut.core.annotation.Nullable;

import java.util.List;

/** One page of record results; {@code total} only when the query asked for a count. */
public record RecordResultSlice(List<RecordResult> results, boolean hasMore, @Nullable Long total) {
}
