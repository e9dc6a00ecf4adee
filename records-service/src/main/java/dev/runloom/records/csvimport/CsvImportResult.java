package dev.runloom.records.csvimport;

import io.micronaut.serde.annotation.Serdeable;

import java.util.List;

/**
 * The answer to {@code POST /v1/records/upload-csv}: how many records the file created and updated,
 * how many of its rows were skipped, and why (the first {@code errors} of {@code errorCount}).
 */
@Serdeable
public record CsvImportResult(long created,
                              long updated,
                              long skipped,
                              long totalRows,
                              List<RowError> errors,
                              long errorCount,
                              boolean errorsTruncated) {
}
