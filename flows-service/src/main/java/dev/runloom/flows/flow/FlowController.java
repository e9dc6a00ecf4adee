package dev.runloom.flows.flow;

import dev.runloom.common.problem.ProblemException;
import dev.runloom.common.tenant.Tenant;
import dev.runloom.flows.steps.StepDefinition;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.serde.annotation.Serdeable;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** {@code /v1/flows}: create a flow with its steps, and read it back with its current version's steps. */
@Controller("/v1/flows")
public class FlowController {
    private final FlowService flows;

    public FlowController(FlowService flows) {
        this.flows = flows;
    }

    @Post
    public HttpResponse<FlowResponse> create(Tenant tenant, @Nullable @Body CreateFlowRequest body) {
        if (body == null) {
            throw ProblemException.validation("A JSON body with at least a name is required");
        }
        List<StepBody> given = body.flowSteps() != null ? body.flowSteps() : body.steps() != null ? body.steps() : List.of();
        List<NewStep> steps = given.stream().map(s -> s == null ? null : s.toNewStep()).toList();
        return HttpResponse.created(FlowResponse.of(flows.create(tenant, body.name(), body.description(), steps)));
    }

    @Get("/{id}")
    public FlowResponse get(Tenant tenant, @PathVariable String id) {
        return FlowResponse.of(flows.get(tenant, id));
    }

    /** {@code flowSteps} and {@code steps} are synonyms; {@code flowSteps} wins when both are sent. */
    @Serdeable
    public record CreateFlowRequest(@Nullable String name, @Nullable String description,
                                    @Nullable List<StepBody> flowSteps, @Nullable List<StepBody> steps) {
    }

    @Serdeable
    public record StepBody(@Nullable String id, @Nullable String type, @Nullable String name, @Nullable Integer order,
                           @Nullable Boolean enabled, @Nullable Map<String, Object> config, @Nullable String when) {
        NewStep toNewStep() {
            return new NewStep(id, type, name, order, enabled, config, when);
        }
    }

    @Serdeable
    public record FlowResponse(String id, String name, @Nullable String description, List<StepDefinition> flowSteps,
                               @Nullable String userId, String organizationId, Instant createdAt, Instant updatedAt,
                               @Nullable Instant lastRunAt, int stepCount, String status) {

        static FlowResponse of(FlowWithSteps f) {
            Flow flow = f.flow();
            List<StepDefinition> steps = f.version().steps();
            return new FlowResponse(flow.id(), flow.name(), flow.description(), steps, flow.userId(),
                    flow.organizationId(), flow.createdAt(), flow.updatedAt(), flow.lastRunAt(), steps.size(), "active");
        }
    }
}
