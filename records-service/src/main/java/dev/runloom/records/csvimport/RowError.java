package dev.runloom.records.csvimport;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;

/**
 * Why one row of a CSV import was not imported. {@code row} counts as a spreadsheet does: the
 * header is row 1, the first data row is row 2. {@code column} is the CSV column, null when the
 * whole row is at fault.
 */
@Serdeable
public record RowError(long row, @Nullable String column, String message) {
}
