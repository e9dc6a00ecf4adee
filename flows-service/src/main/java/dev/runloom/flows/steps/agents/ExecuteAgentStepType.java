package dev.runloom.flows.steps.agents;

import dev.runloom.flows.steps.Liquid;
import dev.runloom.flows.steps.PreparedStep;
import dev.runloom.flows.steps.StepConfig;
import dev.runloom.flows.steps.StepContext;
import dev.runloom.flows.steps.StepDefinition;
import dev.runloom.flows.steps.StepFailure;
import dev.runloom.flows.steps.StepOutput;
import dev.runloom.flows.steps.StepType;
import dev.runloom.flows.steps.peers.AgentRunsApi;
import dev.runloom.flows.steps.peers.PeerCalls;
import jakarta.inject.Singleton;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code execute-agent}: runs the organization's agent {@code agentId} with {@code message} (Liquid)
 * through agents-service, once per execution and step (a retried step gets the first run's answer).
 * The output is the agent's final output; its cost counts toward the execution's. A failed agent run
 * fails the step with the agent's error.
 */
@Singleton
public class ExecuteAgentStepType implements StepType {
    public static final String NAME = "execute-agent";

    private final AgentRunsApi api;
    private final PeerCalls peers;
    private final Liquid liquid;

    public ExecuteAgentStepType(AgentRunsApi api, PeerCalls peers, Liquid liquid) {
        this.api = api;
        this.peers = peers;
        this.liquid = liquid;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Map<String, Object> normalize(Map<String, Object> config, String stepName, String label) {
        StepConfig.requiredString(config, "agentId", label);
        StepConfig.requiredString(config, "message", label);
        Map<String, Object> normalized = new LinkedHashMap<>(config);
        normalized.put("agentId", ((String) config.get("agentId")).trim());
        normalized.put(StepConfig.OUTPUT_VARIABLE, StepConfig.outputVariable(config, stepName, label));
        return normalized;
    }

    @Override
    public PreparedStep prepare(StepDefinition step) {
        String agentId = (String) step.config().get("agentId");
        Liquid.ParsedTemplate message = liquid.parse((String) step.config().get("message"));
        return new PreparedStep() {
            @Override
            public StepOutput run(Map<String, Object> context) {
                throw new UnsupportedOperationException("needs the step context");
            }

            @Override
            public StepOutput run(StepContext context) {
                String text = liquid.render(message, context.variables());
                AgentRunsApi.AgentRun run = peers.call("agents-service", context, token -> api.run(agentId,
                        new AgentRunsApi.RunRequest(context.idempotencyKey(), text), token));
                if (run == null) {
                    throw new StepFailure("agent " + agentId + " was not found", text, null, null);
                }
                if (!"completed".equals(run.status())) {
                    throw new StepFailure("agent execution " + run.executionId() + " ended " + run.status()
                            + (run.error() == null ? "" : ": " + run.error()), text, null, null);
                }
                return new StepOutput(run.finalOutput(), text, null, null, new BigDecimal(run.totalCost()), null);
            }
        };
    }
}
