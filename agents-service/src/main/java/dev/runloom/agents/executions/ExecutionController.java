package dev.runloom.agents.executions;

import dev.runloom.common.pagination.Cursor;
import dev.runloom.common.pagination.CursorPagination;
import dev.runloom.common.pagination.Paged;
import dev.runloom.common.pagination.QueryParams;
import dev.runloom.common.problem.ProblemException;
import dev.runloom.common.tenant.Tenant;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.QueryValue;

import java.time.Instant;
import io.micronaut.json.JsonMapper;

/** {@code GET /v1/agents/:id/executions}: an agent's stored executions (seed 004). */
@Controller("/v1/agents")
public class ExecutionController {
    private static final int DEFAULT_LIMIT = 10;
    private static final int MAX_LIMIT = 100;

    private final ExecutionListing listing;
    private final JsonMapper json;

    public ExecutionController(ExecutionListing listing, JsonMapper json) {
        this.listing = listing;
        this.json = json;
    }

    /** Style C (cursor) pagination; see {@link ExecutionListing} for the cursors and {@link ExecutionFilter} for the filters. */
    @Get("/{id}/executions")
    Paged<AgentExecutionView, CursorPagination> list(Tenant tenant, String id,
                                                     @Nullable @QueryValue String limit,
                                                     @Nullable @QueryValue String cursor,
                                                     @Nullable @QueryValue String includeCount,
                                                     @Nullable @QueryValue String status,
                                                     @Nullable @QueryValue String surfaceType,
                                                     @Nullable @QueryValue String from,
                                                     @Nullable @QueryValue String to,
                                                     @Nullable @QueryValue String parentExecutionId,
                                                     @Nullable @QueryValue String executionId) {
        int pageSize = QueryParams.intParam(limit, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT);
        Cursor position = blankToNull(cursor) == null ? null : Cursor.decode(cursor.trim(), "cursor");
        boolean count = QueryParams.boolParam(includeCount, "includeCount", false);
        Instant fromInstant = QueryParams.instantParam(from, "from");
        Instant toInstant = QueryParams.instantParam(to, "to");
        if (fromInstant != null && toInstant != null && toInstant.isBefore(fromInstant)) {
            throw ProblemException.invalidParameter("to", "must not be before 'from'");
        }
        ExecutionFilter filter = new ExecutionFilter(tenant.organizationId(), id,
                QueryParams.enumParam(status, "status", ExecutionStatus.ALL, null), blankToNull(surfaceType),
                fromInstant, toInstant, blankToNull(parentExecutionId), blankToNull(executionId));

        ExecutionPage page = listing.list(tenant, filter, pageSize, position, count);
        CursorPagination pagination = new CursorPagination(page.nextCursor(), page.prevCursor(), page.hasMore(),
                page.hasPrev(), page.limit(), page.currentOffset(), null, null, null);
        return new Paged<>(page.executions().stream().map(AgentExecutionView::listItem).toList(),
                page.totalCount() == null ? pagination : pagination.withCount(page.totalCount()));
    }

    /** A10. */
    @Get("/{id}/executions/{executionId}")
    AgentExecutionDetail detail(Tenant tenant, String id, String executionId) {
        return listing.detail(tenant, id, executionId);
    }

    /** A11: {@code limit} (default 100, at most 500) and {@code offset}. */
    @Get("/{id}/executions/{executionId}/tool-calls")
    ToolCallResponses.Page toolCalls(Tenant tenant, String id, String executionId, @Nullable @QueryValue String limit,
                                     @Nullable @QueryValue String offset) {
        int pageSize = QueryParams.intParam(limit, "limit", 100, 1, 500);
        int skip = QueryParams.intParam(offset, "offset", 0, 0, Integer.MAX_VALUE);
        return new ToolCallResponses.Page(listing.toolCalls(tenant, id, executionId, pageSize, skip).stream()
                .map(ToolCallResponses.Summary::of).toList());
    }

    /** A12: with {@code inputParameters} and {@code outputResult}. */
    @Get("/{id}/executions/{executionId}/tool-calls/{toolCallId}")
    ToolCallResponses.Detail toolCall(Tenant tenant, String id, String executionId, String toolCallId) {
        ToolCallView v = listing.toolCall(tenant, id, executionId, toolCallId);
        return new ToolCallResponses.Detail(v.id(), v.toolId(), v.toolName(), v.toolDescription(), v.model(),
                v.status(), v.errorMessage(), v.executionTimeMs(), v.createdAt(), parsed(v.inputJson()),
                parsed(v.outputJson()));
    }

    private @Nullable Object parsed(@Nullable String jsonText) {
        if (jsonText == null) {
            return null;
        }
        try {
            return json.readValue(jsonText, Object.class);
        } catch (java.io.IOException e) {
            return jsonText;
        }
    }

    private static @Nullable String blankToNull(@Nullable String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }
}
