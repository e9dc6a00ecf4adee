package dev.runloom.agents.loop;

import dev.runloom.agents.agent.AgentConfig;
import dev.runloom.common.id.Ids;
import dev.runloom.common.problem.ProblemException;
import dev.runloom.common.tenant.Tenant;
import dev.runloom.models.ChatMessage;
import dev.runloom.models.ModelCall;
import dev.runloom.models.ModelCallException;
import dev.runloom.models.ModelCallPolicy;
import dev.runloom.models.CallOrigin;
import dev.runloom.models.ModelCaller;
import dev.runloom.models.ModelRequest;
import dev.runloom.models.ResponseFormat;
import dev.runloom.models.ToolCallRequest;
import dev.runloom.models.ToolSpec;
import io.micronaut.context.annotation.Value;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.json.JsonMapper;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * The tool-calling loop: ask the model (through {@link ModelCaller}: retries, {@code Retry-After},
 * per-attempt timeouts), run the tools it asks for, feed their results back, and ask again — until
 * the model answers without tools, or a bound is hit: {@code maxTurns} iterations
 * ({@code max_iterations_reached}), {@code maxToolCalls} tool calls ({@code max_tool_calls}), or the
 * wall-clock budget {@code runloom.agents.max-execution-duration} (stop reason {@code error}, code
 * {@code timeout}). A failing tool does not end the run: its error is the tool result the model reads.
 * Persisting is the caller's business; {@link LoopEvents} sees every step as it happens.
 */
@Singleton
public class AgentLoop {
    private static final Logger LOG = LoggerFactory.getLogger(AgentLoop.class);
    /** Tool results longer than this are cut before the model reads them (the stored output is capped too). */
    static final int MAX_TOOL_RESULT_CHARS = 32_000;

    private final ModelCaller models;
    private final AgentTools tools;
    private final JsonMapper json;
    private final Duration budget;
    private final int retries;
    private final Clock clock;

    @Inject
    public AgentLoop(ModelCaller models, AgentTools tools, JsonMapper json,
                     @Value("${runloom.agents.max-execution-duration:10m}") Duration budget,
                     @Value("${runloom.agents.model-retries:2}") int retries) {
        this(models, tools, json, budget, retries, Clock.systemUTC());
    }

    AgentLoop(ModelCaller models, AgentTools tools, JsonMapper json, Duration budget, int retries, Clock clock) {
        this.models = models;
        this.tools = tools;
        this.json = json;
        this.budget = budget;
        this.retries = Math.max(0, Math.min(retries, ModelCallPolicy.MAX_RETRIES));
        this.clock = clock;
    }

    public LoopOutcome run(Tenant tenant, AgentSpec agent, List<ChatMessage> input) {
        return run(tenant, agent, input, LoopEvents.NONE);
    }

    public LoopOutcome run(Tenant tenant, AgentSpec agent, List<ChatMessage> input, LoopEvents events) {
        return run(tenant, agent, input, events, new LoopContext(Ids.newId("exec"), List.of(agent.agentId())),
                CallOrigin.Priority.INTERACTIVE);
    }

    /** {@code priority}: the LLM governor's (a scheduled run is batch work; a call someone waits for, interactive). */
    public LoopOutcome run(Tenant tenant, AgentSpec agent, List<ChatMessage> input, LoopEvents events,
                           LoopContext context, CallOrigin.Priority priority) {
        CallOrigin origin = new CallOrigin(tenant.organizationId(), priority);
        AgentConfig config = agent.config();
        Instant deadline = clock.instant().plus(budget);
        List<ChatMessage> conversation = new ArrayList<>(input);
        List<Iteration> iterations = new ArrayList<>();
        List<ToolCallRecord> toolCalls = new ArrayList<>();
        List<ToolSpec> offered = tools.offered(agent);
        String lastText = null;
        for (int number = 1; number <= config.maxTurns(); number++) {
            Duration remaining = Duration.between(clock.instant(), deadline);
            if (remaining.isNegative() || remaining.isZero()) {
                return timedOut(iterations, toolCalls, lastText);
            }
            Instant startedAt = now();
            events.turnStart(number);
            ModelCall call;
            ModelRequest request = new ModelRequest(config.model(), config.systemPrompt(), List.copyOf(conversation),
                    config.temperature(), null, ResponseFormat.TEXT, offered, null);
            ModelCallPolicy policy = new ModelCallPolicy(retries,
                    remaining.compareTo(models.defaultTimeout()) < 0 ? remaining : null, null, null);
            try {
                int turn = number;
                call = events.streaming()
                        ? models.stream(request, policy, origin, text -> events.textDelta(turn, text))
                        : models.call(request, policy, origin);
            } catch (ProblemException e) {
                return new LoopOutcome(iterations, toolCalls, lastText, StopReasons.ERROR,
                        new LoopOutcome.LoopError(e.problem().code(), e.problem().detail()));
            } catch (ModelCallException e) {
                if (!models.serves(config.model())) {
                    return new LoopOutcome(iterations, toolCalls, lastText, StopReasons.ERROR,
                            new LoopOutcome.LoopError("unknown_model", e.getMessage()));
                }
                return new LoopOutcome(iterations, toolCalls, lastText, StopReasons.ERROR,
                        new LoopOutcome.LoopError("model_error", e.getMessage()));
            } catch (RuntimeException e) {
                LOG.warn("model call of agent {} failed", agent.agentId(), e);
                return new LoopOutcome(iterations, toolCalls, lastText, StopReasons.ERROR,
                        new LoopOutcome.LoopError("model_error", "The model call failed"));
            }
            lastText = call.response().text();
            List<ToolCallRequest> requested = call.response().toolCalls();
            conversation.add(ChatMessage.assistant(lastText, requested));
            if (requested.isEmpty()) {
                Iteration done = new Iteration(number, call, 0, startedAt, now());
                iterations.add(done);
                String stop = finishedTurn(call.response().finishReason());
                events.turnComplete(done, stop);
                return new LoopOutcome(iterations, toolCalls, lastText, stop, null);
            }
            if (toolCalls.size() + requested.size() > config.maxToolCalls()) {
                Iteration last = new Iteration(number, call, 0, startedAt, now());
                iterations.add(last);
                events.turnComplete(last, StopReasons.MAX_TOOL_CALLS);
                return new LoopOutcome(iterations, toolCalls, lastText, StopReasons.MAX_TOOL_CALLS, null);
            }
            for (ToolCallRequest request1 : requested) {
                if (!clock.instant().isBefore(deadline)) {
                    iterations.add(new Iteration(number, call, requested.size(), startedAt, now()));
                    return timedOut(iterations, toolCalls, lastText);
                }
                ToolCall toolCall = new ToolCall(request1.id(), request1.name(), request1.arguments());
                String id = Ids.newId("toolcall");
                Instant toolStarted = now();
                events.toolStart(number, id, toolCall);
                ToolOutcome outcome = tools.run(tenant, agent, toolCall, context.tool(id));
                ToolCallRecord record = new ToolCallRecord(id, toolCalls.size(), number, request1.id(), request1.name(),
                        call.response().model(), outcome, toolStarted);
                toolCalls.add(record);
                events.toolComplete(record);
                conversation.add(ChatMessage.toolResult(request1.id(), request1.name(), resultText(outcome)));
            }
            Iteration iteration = new Iteration(number, call, requested.size(), startedAt, now());
            iterations.add(iteration);
            events.turnComplete(iteration, "tool_calls");
        }
        return new LoopOutcome(iterations, toolCalls, lastText, StopReasons.MAX_ITERATIONS_REACHED, null);
    }

    private LoopOutcome timedOut(List<Iteration> iterations, List<ToolCallRecord> toolCalls, @Nullable String lastText) {
        return new LoopOutcome(iterations, toolCalls, lastText, StopReasons.ERROR, new LoopOutcome.LoopError("timeout",
                "The execution ran out of its time budget (" + budget.toSeconds() + " s)"));
    }

    /** What the model reads: the output as JSON (a string as it is), or {@code error: …}. */
    private String resultText(ToolOutcome outcome) {
        if (!outcome.success()) {
            return "error: " + outcome.error();
        }
        String text;
        if (outcome.output() instanceof String s) {
            text = s;
        } else {
            try {
                text = new String(json.writeValueAsBytes(outcome.output()), StandardCharsets.UTF_8);
            } catch (IOException e) {
                text = String.valueOf(outcome.output());
            }
        }
        return text.length() > MAX_TOOL_RESULT_CHARS ? text.substring(0, MAX_TOOL_RESULT_CHARS) : text;
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
