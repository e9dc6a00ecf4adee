package dev.runloom.flows.flow;

import dev.runloom.common.pagination.Cursor;
import io.micronaut.core.annotation.Nullable;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Pages through an organization's flows, newest first, by keyset (runs in {@link FlowService}'s
 * read-only transaction).
 *
 * <p>A cursor is a row's position plus how many rows precede the page it opens ({@code currentOffset},
 * so no page counts rows it skips). {@code nextCursor} is the page's last row: read forward from it
 * ({@code direction=next}, the default) for the next page. {@code prevCursor} is the page's first row:
 * read backwards from it ({@code direction=prev}) for the page before. A deleted cursor row does not
 * matter: positions compare by value, not by existence.
 */
final class FlowListing {
    private final FlowRepository flows;

    FlowListing(FlowRepository flows) {
        this.flows = flows;
    }

    FlowPage list(String organizationId, FlowListQuery q) {
        FlowPage page = q.backwards() && q.cursor() != null ? backwards(organizationId, q) : forwards(organizationId, q);
        if (!q.includeCount()) {
            return page;
        }
        return new FlowPage(page.flows(), page.nextCursor(), page.prevCursor(), page.hasMore(), page.hasPrev(),
                page.limit(), page.currentOffset(), flows.count(organizationId, q.search()));
    }

    private FlowPage forwards(String organizationId, FlowListQuery q) {
        FlowRepository.Position after = q.cursor() == null ? null : position(q.cursor());
        int offset = q.cursor() == null ? 0 : q.cursor().offset();
        List<Flow> rows = flows.listAfter(organizationId, q.search(), after, q.limit() + 1);
        boolean hasMore = rows.size() > q.limit();
        List<Flow> page = hasMore ? rows.subList(0, q.limit()) : rows;
        boolean hasPrev = after != null && (page.isEmpty()
                || !flows.listBefore(organizationId, q.search(), position(page.getFirst()), 1).isEmpty());
        return page(page, offset, hasMore, hasPrev, q.limit());
    }

    private FlowPage backwards(String organizationId, FlowListQuery q) {
        FlowRepository.Position before = position(q.cursor());
        List<Flow> nearestFirst = flows.listBefore(organizationId, q.search(), before, q.limit() + 1);
        boolean hasPrev = nearestFirst.size() > q.limit();
        List<Flow> page = new ArrayList<>(hasPrev ? nearestFirst.subList(0, q.limit()) : nearestFirst);
        Collections.reverse(page);
        int offset = hasPrev ? Math.max(0, q.cursor().offset() - page.size()) : 0;
        FlowRepository.Position last = page.isEmpty() ? null : position(page.getLast());
        boolean hasMore = !flows.listAfter(organizationId, q.search(), last, 1).isEmpty();
        return page(page, offset, hasMore, hasPrev, q.limit());
    }

    private static FlowPage page(List<Flow> page, int offset, boolean hasMore, boolean hasPrev, int limit) {
        String next = hasMore && !page.isEmpty() ? cursor(page.getLast(), offset + page.size()) : null;
        String prev = hasPrev && !page.isEmpty() ? cursor(page.getFirst(), offset) : null;
        return new FlowPage(List.copyOf(page), next, prev, hasMore, hasPrev, limit, offset, null);
    }

    private static String cursor(Flow flow, int offset) {
        return new Cursor(flow.createdAt(), flow.id(), offset).encode();
    }

    private static FlowRepository.Position position(Flow flow) {
        return new FlowRepository.Position(flow.createdAt(), flow.id());
    }

    private static FlowRepository.Position position(@Nullable Cursor cursor) {
        return cursor == null ? null : new FlowRepository.Position(cursor.at(), cursor.id());
    }
}
