package dev.runloom.records.record;

import io.micronaut.core.annotation.Nullable;

import java.util.List;

/**
 * One keyset page of records in the requested order. {@code total} is present only when a count was
 * asked for; {@code countCapped} says it stopped at the cap (filtered lists count at most
 * {@link RecordService#COUNT_CAP} rows).
 */
public record RecordSlice(List<Record> records, boolean hasMore, boolean hasPrev, int offset,
                          @Nullable Long total, boolean countCapped) {
}
