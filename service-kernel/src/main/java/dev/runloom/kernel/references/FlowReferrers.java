package dev.runloom.kernel.references;

import dev.runloom.common.pagination.QueryParams;
import dev.runloom.common.problem.ProblemException;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;

import java.util.List;

/**
 * The internal "what still uses this flow?" read, one contract for both sides: flows-service asks
 * before deleting a flow ({@code GET /internal/schedules?flowId=&limit=}, {@code GET /internal/agents?…}),
 * schedules-service and agents-service answer {@code { data: [{ id, name }] }} for the caller's
 * organization. Not part of the public API; the gateway does not route {@code /internal}.
 */
@Serdeable
public record FlowReferrers(@Nullable List<Referrer> data) {
    public static final int DEFAULT_LIMIT = 20;
    public static final int MAX_LIMIT = 100;

    /** A schedule or agent that uses the flow, as flows-service names it in a refusal to delete. */
    @Serdeable
    public record Referrer(String id, @Nullable String name) {
    }

    /** The asking side's parameters, checked: a missing flowId or a bad limit is a 400 naming it. */
    public record Query(String flowId, int limit) {
        public static Query parse(@Nullable String flowId, @Nullable String limit) {
            if (flowId == null || flowId.isBlank()) {
                throw ProblemException.invalidParameter("flowId", "is required");
            }
            return new Query(flowId, QueryParams.intParam(limit, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT));
        }
    }
}
