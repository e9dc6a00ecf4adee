package dev.runloom.flows.batches;

import io.micronaut.core.annotation.Nullable;

import java.util.List;

/**
 * A checked {@code POST /v1/batch/flow}: the flow, then either {@code recordIds} (deduplicated, in
 * order; with {@code recordType} they must also be of that type) or {@code recordType} with an
 * optional records-list filter (as JSON text), and the batch's options.
 */
public record BatchSubmission(String flowId, List<String> recordIds, @Nullable String recordType,
                              @Nullable String filterJson, BatchOptions options) {
    public static final int MAX_RECORD_IDS = 10_000;
}
