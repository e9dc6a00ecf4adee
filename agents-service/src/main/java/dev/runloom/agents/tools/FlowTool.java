package dev.runloom.agents.tools;

import dev.runloom.agents.capabilities.CapabilityView;
import dev.runloom.agents.loop.ToolContext;
import dev.runloom.common.tenant.InternalTokens;
import dev.runloom.common.tenant.Tenant;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.client.exceptions.HttpClientException;
import io.micronaut.http.client.exceptions.HttpClientResponseException;
import jakarta.inject.Singleton;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A flow as a tool: flows-service runs the capability's flow (its running version) inline, with the
 * tool's arguments as the flow's variables, over real HTTP ({@link FlowRunsApi}); the flow's execution
 * and step results are stored there, tied to this tool call. The tool output is the flow's result
 * plus the flow execution's id (for drill-down into its step results); the flow's model tokens and
 * cost roll up into the agent execution's totals.
 */
@Singleton
public class FlowTool {
    private final FlowRunsApi flows;
    private final InternalTokens tokens;

    public FlowTool(FlowRunsApi flows, InternalTokens tokens) {
        this.flows = flows;
        this.tokens = tokens;
    }

    CapabilityResult run(Tenant tenant, CapabilityView capability, Map<String, Object> arguments, ToolContext context) {
        FlowRunsApi.FlowRun run;
        try {
            run = flows.run(capability.flowId(), new FlowRunsApi.RunRequest(arguments, context.executionId(),
                    context.toolCallId(), capability.agentId()), tokens.sign(tenant));
        } catch (HttpClientResponseException e) {
            if (e.getStatus() == HttpStatus.NOT_FOUND) {
                throw new ToolFailure("flow '" + capability.flowId() + "' does not exist (any more)");
            }
            throw new ToolFailure("flows-service answered " + e.getStatus().getCode() + " running flow '"
                    + capability.flowId() + "'");
        } catch (HttpClientException e) {
            throw new ToolFailure("flows-service is unreachable: the flow could not run");
        }
        if (run == null) { // the declarative client answers a 404 with null
            throw new ToolFailure("flow '" + capability.flowId() + "' does not exist (any more)");
        }
        Map<String, Object> output = new LinkedHashMap<>();
        output.put("flowExecutionId", run.executionId());
        output.put("flowId", run.flowId());
        output.put("flowVersionId", run.flowVersionId());
        output.put("status", run.status());
        output.put("result", run.result());
        BigDecimal cost = cost(run.totalCost());
        return new CapabilityResult(run.success(), output,
                run.success() ? null : "flow execution " + run.executionId() + " failed: " + run.error(),
                run.totalTokens(), cost);
    }

    private static BigDecimal cost(String text) {
        try {
            return text == null ? BigDecimal.ZERO : new BigDecimal(text);
        } catch (NumberFormatException e) {
            return BigDecimal.ZERO;
        }
    }
}
