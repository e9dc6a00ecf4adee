package dev.runloom.flows.flow;

import dev.runloom.common.tenant.Tenant;
import dev.runloom.flows.steps.StepDefinition;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.serde.annotation.Serdeable;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /v1/flow-steps/flow/:flowId} (reference 3.3, FS1): the steps of the flow's newest
 * version, sorted by order. Steps live inside a version, so a step's {@code createdAt} and
 * {@code updatedAt} are those of the version that holds this definition of it.
 */
@Controller("/v1/flow-steps")
public class FlowStepController {
    private final FlowService flows;

    public FlowStepController(FlowService flows) {
        this.flows = flows;
    }

    @Get("/flow/{flowId}")
    public StepList steps(Tenant tenant, @PathVariable String flowId) {
        FlowWithSteps f = flows.get(tenant, flowId);
        FlowVersion version = f.version();
        List<StepView> steps = version.steps().stream().map(s -> StepView.of(f.flow(), version, s)).toList();
        return new StepList(steps, f.flow().id(), f.flow().name());
    }

    @Serdeable
    public record StepList(List<StepView> data, String flowId, String flowName) {
    }

    /** A step as reference 2.5 lists it for this endpoint; {@code when} is the step's skip condition, if any. */
    @Serdeable
    public record StepView(String id, String type, String name, int order, boolean enabled, Map<String, Object> config,
                           @Nullable String when, String flowId, @Nullable String userId, Instant createdAt,
                           Instant updatedAt) {
        static StepView of(Flow flow, FlowVersion version, StepDefinition s) {
            return new StepView(s.id(), s.type(), s.name(), s.order(), s.enabled(), s.config(), s.when(), flow.id(),
                    flow.userId(), version.createdAt(), version.createdAt());
        }
    }
}
