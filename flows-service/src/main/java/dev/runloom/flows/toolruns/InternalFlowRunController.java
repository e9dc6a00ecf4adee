package dev.runloom.flows.toolruns;

import dev.runloom.common.problem.ProblemException;
import dev.runloom.common.tenant.Tenant;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.serde.annotation.Serdeable;

import java.util.Map;

/**
 * {@code POST /internal/flows/{id}/run}: agents-service's flow tools run a flow inline, with the tool
 * call's arguments as the flow's variables, and get its result back (see {@link FlowToolRuns}). Not
 * public: the gateway does not route {@code /internal}; the tenant comes from the internal token.
 */
@Controller("/internal/flows")
public class InternalFlowRunController {
    static final int MAX_ID_LENGTH = 200;

    private final FlowToolRuns runs;

    public InternalFlowRunController(FlowToolRuns runs) {
        this.runs = runs;
    }

    @Post("/{id}/run")
    public FlowToolRun run(Tenant tenant, @PathVariable String id, @Nullable @Body RunRequest body) {
        if (body == null) {
            throw ProblemException.validation("A JSON body is required");
        }
        String executionId = required(body.agentExecutionId(), "agentExecutionId");
        String toolCallId = required(body.toolCallId(), "toolCallId");
        String agentId = required(body.agentId(), "agentId");
        return runs.run(tenant, id, body.variables() == null ? Map.of() : body.variables(),
                new FlowToolRuns.Caller(agentId, executionId, toolCallId));
    }

    private static String required(@Nullable String value, String field) {
        if (value == null || value.isBlank() || value.length() > MAX_ID_LENGTH) {
            throw ProblemException.validation(field + " is required (at most " + MAX_ID_LENGTH + " characters)");
        }
        return value;
    }

    /** The flow's variables and the agent tool call it runs for. */
    @Serdeable
    public record RunRequest(@Nullable Map<String, Object> variables, @Nullable String agentExecutionId,
                             @Nullable String toolCallId, @Nullable String agentId) {
    }
}
