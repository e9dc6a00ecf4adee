package dev.runloom.records.csvimport;

import java.util.ArrayList;
import java.util.List;

/** The per-row errors of one import: the first {@code cap} kept to show, all of them counted. */
final class RowErrors {
    private final int cap;
    private final List<RowError> kept = new ArrayList<>();
    private long count;

    RowErrors(int cap) {
        this.cap = cap;
    }

    void add(RowError error) {
        count++;
        if (kept.size() < cap) {
            kept.add(error);
        }
    }

    void addCounted(List<RowError> errors, long total) {
        for (RowError error : errors) {
            if (kept.size() < cap) {
                kept.add(error);
            }
        }
        count += total;
    }

    List<RowError> kept() {
        return kept.stream().sorted(java.util.Comparator.comparingLong(RowError::row)).toList();
    }

    long count() {
        return count;
    }
}
