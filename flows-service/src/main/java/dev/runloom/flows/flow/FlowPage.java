package dev.runloom.flows.flow;

import io.micronaut.core.annotation.Nullable;

import java.util.List;

/** One page of flows with the opaque cursors around it; {@code totalCount} only when asked for. */
public record FlowPage(List<Flow> flows, @Nullable String nextCursor, @Nullable String prevCursor, boolean hasMore,
                       boolean hasPrev, int limit, int currentOffset, @Nullable Long totalCount) {
}
