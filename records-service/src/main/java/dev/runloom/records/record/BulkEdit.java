package dev.runloom.records.record;

import dev.runloom.common.problem.ProblemException;
import io.micronaut.core.annotation.Nullable;

import java.util.Map;

/**
 * A validated bulk edit: a metadata patch and how it meets each record's metadata.
 *
 * @param ids      the records to edit, or null to edit every record {@code query} matches
 */
public record BulkEdit(@Nullable String[] ids, RecordQuery query, Map<String, Object> patch, MergeStrategy strategy) {

    /** How a patch meets the stored metadata; each is one SQL expression over {@code metadata} and the bound patch. */
    public enum MergeStrategy {
        /** Top-level keys of the patch overwrite the stored ones; other keys stay. */
        MERGE("merge", "metadata || ?::jsonb"),
        /** The patch becomes the metadata. */
        REPLACE("replace", "?::jsonb"),
        /** Objects merge key by key at every depth; anything else in the patch overwrites. */
        DEEP_MERGE("deep-merge", "jsonb_deep_merge(metadata, ?::jsonb)");

        final String wireName;
        final String sql;

        MergeStrategy(String wireName, String sql) {
            this.wireName = wireName;
            this.sql = sql;
        }

        static MergeStrategy parse(@Nullable Object value) {
            if (value == null) {
                return MERGE;
            }
            for (MergeStrategy strategy : values()) {
                if (strategy.wireName.equals(value)) {
                    return strategy;
                }
            }
            throw ProblemException.validation("mergeStrategy must be one of merge, replace, deep-merge");
        }
    }
}
