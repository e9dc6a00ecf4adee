package dev.runloom.records.csvimport;

/** One valid CSV row, ready for the staging table: its row number, name and metadata as JSON text. */
record StagedRow(long row, String name, String metadataJson) {
}
