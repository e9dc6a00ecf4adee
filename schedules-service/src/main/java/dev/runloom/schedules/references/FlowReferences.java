package dev.runloom.schedules.references;

import dev.runloom.common.tenant.Tenant;
import dev.runloom.kernel.references.FlowReferrers;
import io.micronaut.transaction.annotation.Transactional;
import jakarta.inject.Singleton;

import java.util.List;

/** Which of the tenant's schedules target a flow (enabled or paused: both would run it again). */
@Singleton
public class FlowReferences {
    private final FlowReferenceRepository schedules;

    public FlowReferences(FlowReferenceRepository schedules) {
        this.schedules = schedules;
    }

    @Transactional(readOnly = true)
    public List<FlowReferrers.Referrer> schedulesOfFlow(Tenant tenant, String flowId, int limit) {
        return schedules.schedulesOfFlow(tenant.organizationId(), flowId, limit);
    }
}
