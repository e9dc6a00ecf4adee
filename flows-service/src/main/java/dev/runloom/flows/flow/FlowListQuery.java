package dev.runloom.flows.flow;

import dev.runloom.common.pagination.Cursor;
import io.micronaut.core.annotation.Nullable;

/**
 * A flows listing (F1), already parsed: name search, page size, the cursor's position and which way
 * to read from it ({@code backwards}: the page before the cursor, {@code direction=prev}).
 */
public record FlowListQuery(@Nullable String search, int limit, @Nullable Cursor cursor, boolean backwards,
                            boolean includeCount) {
}
