package dev.runloom.agents.loop;

import dev.runloom.agents.agent.AgentConfig;
import dev.runloom.models.ChatMessage;
import dev.runloom.models.ModelCall;
import dev.runloom.models.ModelRequest;
import dev.runloom.models.Models;
import dev.runloom.common.problem.ProblemException;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * The tool-calling loop: ask the model, run the tools it asks for, feed their results back, and ask
 * again — until the model answers without tools, or a bound is hit: {@code maxTurns} iterations,
 * {@code maxToolCalls} tool calls. Pure computation over the model and tools; persisting is the
 * caller's business.
 */
@Singleton
public class AgentLoop {
    private static final Logger LOG = LoggerFactory.getLogger(AgentLoop.class);

    private final Models models;
    private final AgentTools tools;

    public AgentLoop(Models models, AgentTools tools) {
        this.models = models;
        this.tools = tools;
    }

    public LoopOutcome run(AgentSpec agent, List<ChatMessage> input) {
        AgentConfig config = agent.config();
        List<ChatMessage> conversation = new ArrayList<>(input);
        List<Iteration> iterations = new ArrayList<>();
        int toolCallsMade = 0;
        String lastText = null;
        for (int number = 1; number <= config.maxTurns(); number++) {
            Instant startedAt = now();
            ModelCall call;
            List<ToolCall> requested;
            try {
                call = models.complete(new ModelRequest(config.model(), config.systemPrompt(),
                        List.copyOf(conversation), config.temperature(), null));
                requested = tools.requestedBy(call.response());
            } catch (ProblemException e) {
                return new LoopOutcome(iterations, lastText, StopReasons.ERROR,
                        new LoopOutcome.LoopError(e.problem().code(), e.problem().detail()));
            } catch (RuntimeException e) {
                LOG.warn("model call of agent {} failed", agent.agentId(), e);
                return new LoopOutcome(iterations, lastText, StopReasons.ERROR,
                        new LoopOutcome.LoopError("model_error", "The model call failed"));
            }
            lastText = call.response().text();
            conversation.add(new ChatMessage("assistant", lastText));
            if (requested.isEmpty()) {
                iterations.add(new Iteration(number, call, 0, startedAt, now()));
                return new LoopOutcome(iterations, lastText, finishedTurn(call.response().finishReason()), null);
            }
            if (toolCallsMade + requested.size() > config.maxToolCalls()) {
                iterations.add(new Iteration(number, call, 0, startedAt, now()));
                return new LoopOutcome(iterations, lastText, StopReasons.MAX_TOOL_CALLS, null);
            }
            try {
                for (ToolCall toolCall : requested) {
                    conversation.add(tools.run(agent, toolCall));
                }
            } catch (RuntimeException e) {
                LOG.warn("a tool call of agent {} failed", agent.agentId(), e);
                iterations.add(new Iteration(number, call, requested.size(), startedAt, now()));
                return new LoopOutcome(iterations, lastText, StopReasons.ERROR,
                        new LoopOutcome.LoopError("tool_error", "A tool call failed"));
            }
            toolCallsMade += requested.size();
            iterations.add(new Iteration(number, call, requested.size(), startedAt, now()));
        }
        return new LoopOutcome(iterations, lastText, StopReasons.MAX_ITERATIONS_REACHED, null);
    }

    private static String finishedTurn(String finishReason) {
        return switch (finishReason == null ? "" : finishReason) {
            case "length" -> StopReasons.LENGTH;
            case "content_filter" -> StopReasons.CONTENT_FILTER;
            default -> StopReasons.END_TURN;
        };
    }

    private static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MILLIS);
    }
}
