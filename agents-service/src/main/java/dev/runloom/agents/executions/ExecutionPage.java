package dev.runloom.agents.executions;

import io.micronaut.core.annotation.Nullable;

import java.util.List;

/** One page of executions with the opaque cursors around it; {@code totalCount} only when asked for. */
public record ExecutionPage(List<ExecutionSummary> executions, @Nullable String nextCursor, @Nullable String prevCursor,
                            boolean hasMore, boolean hasPrev, int limit, int currentOffset,
                            @Nullable Long totalCount) {
}
