package dev.runloom.agents.references;

import dev.runloom.common.pagination.QueryParams;
import dev.runloom.common.problem.ProblemException;
import dev.runloom.common.tenant.Tenant;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.serde.annotation.Serdeable;

import java.util.List;

/**
 * Service-to-service read for flows-service, which must know *now* whether an agent uses a flow
 * before deleting it: {@code GET /internal/agents?flowId=<id>&limit=<n>} answers the caller's
 * organization's agents that use the flow as {@code { data: [{ id, name }] }}. Not part of the public
 * API; the gateway does not route {@code /internal}.
 */
@Controller("/internal/agents")
public class FlowReferencesController {
    static final int DEFAULT_LIMIT = 20;
    static final int MAX_LIMIT = 100;

    private final FlowReferences references;

    public FlowReferencesController(FlowReferences references) {
        this.references = references;
    }

    @Get
    public ReferrerList list(Tenant tenant, @Nullable @QueryValue String flowId, @Nullable @QueryValue String limit) {
        if (flowId == null || flowId.isBlank()) {
            throw ProblemException.invalidParameter("flowId", "is required");
        }
        int rows = QueryParams.intParam(limit, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT);
        return new ReferrerList(references.agentsUsingFlow(tenant, flowId, rows));
    }

    @Serdeable
    public record ReferrerList(List<Referrer> data) {
    }
}
