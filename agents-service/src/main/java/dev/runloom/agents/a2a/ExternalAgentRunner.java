package dev.runloom.agents.a2a;

import dev.runloom.agents.executions.NewExecution;
import dev.runloom.agents.loop.AgentSpec;
import dev.runloom.agents.loop.Iteration;
import dev.runloom.agents.loop.LoopEvents;
import dev.runloom.agents.loop.LoopOutcome;
import dev.runloom.agents.loop.StopReasons;
import dev.runloom.models.ModelCall;
import dev.runloom.models.ModelPrice;
import dev.runloom.models.ModelResponse;
import dev.runloom.models.TokenUsage;
import io.micronaut.context.annotation.Value;
import jakarta.inject.Singleton;

import java.math.BigDecimal;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * Runs an {@code external} agent: one {@code message/send} to the remote A2A agent (through the SSRF
 * guard) instead of the model loop, recorded like a native run — one iteration whose "model" is
 * {@code a2a} (no tokens, no cost: the remote agent's own usage is not reported by A2A), the answer as
 * {@code finalOutput}, and the same loop events, so the stream has {@code turn_start},
 * {@code text_*} and {@code turn_complete} frames. A failure is a failed outcome, never an exception.
 */
@Singleton
public class ExternalAgentRunner {
    static final String MODEL = "a2a";
    private static final ModelPrice NO_PRICE = new ModelPrice(MODEL, BigDecimal.ZERO, BigDecimal.ZERO, BigDecimal.ZERO);

    private final ExternalAgents externals;
    private final A2aClient client;
    private final Duration timeout;

    public ExternalAgentRunner(ExternalAgents externals, A2aClient client,
                               @Value("${runloom.agents.a2a.message-timeout:120s}") Duration timeout) {
        this.externals = externals;
        this.client = client;
        this.timeout = timeout;
    }

    /** Whether this runner (rather than the model loop) runs the agent. */
    public static boolean runs(AgentSpec spec) {
        return ExternalAgents.TYPE.equals(spec.agentType());
    }

    public LoopOutcome run(NewExecution execution, LoopEvents events) {
        Instant startedAt = now();
        long started = System.nanoTime();
        events.turnStart(1);
        A2aClient.A2aReply reply;
        try {
            ExternalAgentConfig row = externals.find(execution.organizationId(), execution.agentId())
                    .orElseThrow(() -> new A2aClient.A2aException("external_agent_misconfigured",
                            "The external agent has no external config"));
            URI endpoint = ExternalAgents.endpoint(row);
            ExternalConfig.Auth auth = row.externalConfig().auth();
            reply = client.send(endpoint, execution.inputMessages(), auth == null ? null : auth.credentials(), timeout);
        } catch (A2aClient.A2aException e) {
            return new LoopOutcome(List.of(), List.of(), null, StopReasons.ERROR,
                    new LoopOutcome.LoopError(e.code(), e.getMessage()));
        }
        long durationMs = (System.nanoTime() - started) / 1_000_000;
        ModelCall call = new ModelCall(new ModelResponse(MODEL, reply.text(), new TokenUsage(0, 0, 0), "stop"),
                BigDecimal.ZERO, NO_PRICE, durationMs);
        Iteration iteration = new Iteration(1, call, 0, startedAt, now());
        if (events.streaming() && !reply.text().isEmpty()) {
            events.textDelta(1, reply.text());
        }
        events.turnComplete(iteration, StopReasons.END_TURN);
        return new LoopOutcome(List.of(iteration), List.of(), reply.text(), StopReasons.END_TURN, null);
    }

    private static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MILLIS);
    }
}
