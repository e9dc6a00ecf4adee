package dev.runloom.records.csvimport;

import io.micronaut.core.annotation.Nullable;

import java.util.Map;

/**
 * What the caller said about a CSV upload, checked for shape but not yet against the file's header.
 *
 * @param type       the record type every row becomes
 * @param nameColumn the column holding each record's name (unique per type: an existing name is updated)
 * @param delimiter  the field separator
 * @param mapping    column → metadata key and type; when null every other column is imported under its own name
 * @param types      column → type for columns not given a type in {@code mapping}
 */
record ImportOptions(String type,
                     String nameColumn,
                     char delimiter,
                     @Nullable Map<String, Column> mapping,
                     Map<String, ValueType> types) {

    /** Where one CSV column goes: a metadata key, as a value of a type. */
    record Column(String key, @Nullable ValueType type) {
    }
}
