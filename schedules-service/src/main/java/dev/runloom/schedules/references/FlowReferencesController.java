package dev.runloom.schedules.references;

import dev.runloom.common.tenant.Tenant;
import dev.runloom.kernel.references.FlowReferrers;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.QueryValue;

/**
 * {@code GET /internal/schedules?flowId=<id>&limit=<n>}: for flows-service, which must know *now* whether a schedule targets a
 * flow before deleting it (the contract: {@link FlowReferrers}).
 */
@Controller("/internal/schedules")
public class FlowReferencesController {
    private final FlowReferences references;

    public FlowReferencesController(FlowReferences references) {
        this.references = references;
    }

    @Get
    public FlowReferrers list(Tenant tenant, @Nullable @QueryValue String flowId, @Nullable @QueryValue String limit) {
        FlowReferrers.Query query = FlowReferrers.Query.parse(flowId, limit);
        return new FlowReferrers(references.schedulesOfFlow(tenant, query.flowId(), query.limit()));
    }
}
