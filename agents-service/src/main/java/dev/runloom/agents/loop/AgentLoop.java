package dev.runloom.agents.loop;

import dev.runloom.agents.agent.AgentConfig;
import dev.runloom.agents.approvals.ToolPauses;
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
 * A tool call that needs a person's approval, or a client-side tool (see {@link ToolPauses}), pauses
 * the run when its events allow it: the outcome then carries a {@link LoopPause}, the whole state,
 * and {@link #resume} goes on from it (A17/A18).
 */
@Singleton
public class AgentLoop {
    private static final Logger LOG = LoggerFactory.getLogger(AgentLoop.class);
    /** Tool results longer than this are cut before the model reads them (the stored output is capped too). */
    static final int MAX_TOOL_RESULT_CHARS = 32_000;

    private final ModelCaller models;
    private final AgentTools tools;
    private final ToolPauses pauses;
    private final JsonMapper json;
    private final Duration budget;
    private final int retries;
    private final Clock clock;

    @Inject
    public AgentLoop(ModelCaller models, AgentTools tools, ToolPauses pauses, JsonMapper json,
                     @Value("${runloom.agents.max-execution-duration:10m}") Duration budget,
                     @Value("${runloom.agents.model-retries:2}") int retries) {
        this(models, tools, pauses, json, budget, retries, Clock.systemUTC());
    }

    AgentLoop(ModelCaller models, AgentTools tools, ToolPauses pauses, JsonMapper json, Duration budget, int retries,
              Clock clock) {
        this.models = models;
        this.tools = tools;
        this.pauses = pauses;
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
        Run run = new Run(tenant, agent, events, context, new CallOrigin(tenant.organizationId(), priority),
                clock.instant().plus(budget), new ArrayList<>(input), new ArrayList<>(), new ArrayList<>(),
                offered(agent));
        return turns(run, 1);
    }

    /**
     * Goes on with a paused run (A17/A18): first the paused iteration's pending tool calls, the answer
     * applied to the one(s) it is for, then further turns as {@link #run} would. The wall-clock budget
     * left is what the pause left (the time paused does not count).
     */
    public LoopOutcome resume(Tenant tenant, AgentSpec agent, LoopPause pause, PauseAnswer answer, LoopEvents events,
                              LoopContext context) {
        // someone decided or answered and waits for the continuation: interactive work for the governor
        Run run = new Run(tenant, agent, events, context, new CallOrigin(tenant.organizationId(), CallOrigin.Priority.INTERACTIVE),
                clock.instant().plus(budget.minusMillis(pause.elapsedMs())),
                new ArrayList<>(pause.conversation()),
                new ArrayList<>(pause.iterations().stream().map(StoredIteration::toIteration).toList()),
                new ArrayList<>(pause.toolCalls()), offered(agent));
        run.lastText = pause.lastText();
        Iteration paused = pause.iteration().toIteration();
        LoopOutcome stopped = runCalls(run, paused, pause.pending(), answer);
        if (stopped != null) {
            return stopped;
        }
        Iteration done = new Iteration(paused.number(), paused.call(), paused.toolCalls(), paused.startedAt(), now());
        run.iterations.add(done);
        events.turnComplete(done, "tool_calls");
        if (answer instanceof PauseAnswer.ToolOutputs outputs) {
            run.conversation.addAll(outputs.messages());
        }
        return turns(run, paused.number() + 1);
    }

    /** A run of the loop in progress. */
    private static final class Run {
        final Tenant tenant;
        final AgentSpec agent;
        final LoopEvents events;
        final LoopContext context;
        final CallOrigin origin;
        final Instant deadline;
        final List<ChatMessage> conversation;
        final List<Iteration> iterations;
        final List<ToolCallRecord> toolCalls;
        final List<ToolSpec> offered;
        @Nullable String lastText;

        Run(Tenant tenant, AgentSpec agent, LoopEvents events, LoopContext context, CallOrigin origin, Instant deadline,
            List<ChatMessage> conversation, List<Iteration> iterations, List<ToolCallRecord> toolCalls,
            List<ToolSpec> offered) {
            this.tenant = tenant;
            this.agent = agent;
            this.events = events;
            this.context = context;
            this.origin = origin;
            this.deadline = deadline;
            this.conversation = conversation;
            this.iterations = iterations;
            this.toolCalls = toolCalls;
            this.offered = offered;
        }

        LoopOutcome end(String stopReason, @Nullable LoopOutcome.LoopError error) {
            return new LoopOutcome(iterations, toolCalls, lastText, stopReason, error);
        }
    }

    private List<ToolSpec> offered(AgentSpec agent) {
        List<ToolSpec> local = pauses.offeredLocalTools(agent);
        List<ToolSpec> offered = new ArrayList<>(tools.offered(agent).stream()
                .filter(t -> local.stream().noneMatch(l -> l.name().equals(t.name()))).toList());
        offered.addAll(local);
        return offered;
    }

    private LoopOutcome turns(Run run, int first) {
        AgentConfig config = run.agent.config();
        for (int number = first; number <= config.maxTurns(); number++) {
            Duration remaining = Duration.between(clock.instant(), run.deadline);
            if (remaining.isNegative() || remaining.isZero()) {
                return timedOut(run.iterations, run.toolCalls, run.lastText);
            }
            Instant startedAt = now();
            run.events.turnStart(number);
            ModelCall call;
            ModelRequest request = new ModelRequest(config.model(), config.systemPrompt(), List.copyOf(run.conversation),
                    config.temperature(), null, ResponseFormat.TEXT, run.offered, null);
            ModelCallPolicy policy = new ModelCallPolicy(retries,
                    remaining.compareTo(models.defaultTimeout()) < 0 ? remaining : null, null, null);
            try {
                int turn = number;
                call = run.events.streaming()
                        ? models.stream(request, policy, run.origin, text -> run.events.textDelta(turn, text))
                        : models.call(request, policy, run.origin);
            } catch (ProblemException e) {
                return run.end(StopReasons.ERROR, new LoopOutcome.LoopError(e.problem().code(), e.problem().detail()));
            } catch (ModelCallException e) {
                if (!models.serves(config.model())) {
                    return run.end(StopReasons.ERROR, new LoopOutcome.LoopError("unknown_model", e.getMessage()));
                }
                return run.end(StopReasons.ERROR, new LoopOutcome.LoopError("model_error", e.getMessage()));
            } catch (RuntimeException e) {
                LOG.warn("model call of agent {} failed", run.agent.agentId(), e);
                return run.end(StopReasons.ERROR, new LoopOutcome.LoopError("model_error", "The model call failed"));
            }
            run.lastText = call.response().text();
            List<ToolCallRequest> requested = call.response().toolCalls();
            run.conversation.add(ChatMessage.assistant(run.lastText, requested));
            if (requested.isEmpty()) {
                Iteration done = new Iteration(number, call, 0, startedAt, now());
                run.iterations.add(done);
                String stop = finishedTurn(call.response().finishReason());
                run.events.turnComplete(done, stop);
                return run.end(stop, null);
            }
            if (run.toolCalls.size() + requested.size() > config.maxToolCalls()) {
                Iteration last = new Iteration(number, call, 0, startedAt, now());
                run.iterations.add(last);
                run.events.turnComplete(last, StopReasons.MAX_TOOL_CALLS);
                return run.end(StopReasons.MAX_TOOL_CALLS, null);
            }
            List<PendingToolCall> calls = requested.stream()
                    .map(r -> new PendingToolCall(Ids.newId("toolcall"), r.id(), r.name(), r.arguments())).toList();
            Iteration current = new Iteration(number, call, requested.size(), startedAt, now());
            LoopOutcome stopped = runCalls(run, current, calls, null);
            if (stopped != null) {
                return stopped;
            }
            Iteration iteration = new Iteration(number, call, requested.size(), startedAt, now());
            run.iterations.add(iteration);
            run.events.turnComplete(iteration, "tool_calls");
        }
        return run.end(StopReasons.MAX_ITERATIONS_REACHED, null);
    }

    /**
     * Runs an iteration's tool calls in order, feeding each result into the conversation. Answers null
     * when all ran, else how the run stopped or paused: a call that needs an approval or a client
     * pauses it (when the run can pause), with that call and those after it pending.
     */
    private @Nullable LoopOutcome runCalls(Run run, Iteration current, List<PendingToolCall> calls,
                                           @Nullable PauseAnswer answer) {
        for (int i = 0; i < calls.size(); i++) {
            PendingToolCall pending = calls.get(i);
            if (!clock.instant().isBefore(run.deadline)) {
                run.iterations.add(current);
                return timedOut(run.iterations, run.toolCalls, run.lastText);
            }
            ToolCall toolCall = pending.toCall();
            Instant toolStarted = now();
            ToolOutcome outcome;
            boolean denied = false;
            if (answer instanceof PauseAnswer.Decision decision && i == 0) {
                run.events.toolStart(current.number(), pending.id(), toolCall);
                if (decision.approved()) {
                    outcome = tools.run(run.tenant, run.agent, toolCall, run.context.tool(pending.id()));
                } else {
                    denied = true;
                    outcome = ToolOutcome.failed(toolType(run, pending), null, arguments(pending.argumentsJson()),
                            "the call was denied by a person (" + decision.decidedBy() + ")", 0);
                }
            } else if (answer instanceof PauseAnswer.ToolOutputs outputs && outputs.outputs().containsKey(pending.id())) {
                run.events.toolStart(current.number(), pending.id(), toolCall);
                outcome = ToolOutcome.completed(ToolPauses.TYPE_LOCAL, pauses.localDescription(run.agent, pending.name()),
                        arguments(pending.argumentsJson()), outputs.outputs().get(pending.id()),
                        Duration.between(current.completedAt(), Instant.now()).toMillis());
            } else {
                ToolPauses.Gate gate = pauses.gate(run.agent, pending.name());
                if (gate != ToolPauses.Gate.NONE && run.events.canPause()) {
                    return paused(run, current, calls.subList(i, calls.size()), gate);
                }
                run.events.toolStart(current.number(), pending.id(), toolCall);
                outcome = switch (gate) {
                    case LOCAL -> ToolOutcome.failed(ToolPauses.TYPE_LOCAL, pauses.localDescription(run.agent,
                            pending.name()), arguments(pending.argumentsJson()),
                            "a client-side tool, and this run has no client to run it", 0);
                    case APPROVAL -> ToolOutcome.failed(toolType(run, pending), null, arguments(pending.argumentsJson()),
                            "the tool needs a person's approval, and this run cannot wait for one", 0);
                    case NONE -> tools.run(run.tenant, run.agent, toolCall, run.context.tool(pending.id()));
                };
            }
            ToolCallRecord record = new ToolCallRecord(pending.id(), run.toolCalls.size(), current.number(),
                    pending.providerCallId(), pending.name(), current.call().response().model(), outcome, toolStarted);
            run.toolCalls.add(record);
            run.events.toolComplete(record);
            run.conversation.add(ChatMessage.toolResult(pending.providerCallId(), pending.name(), resultText(outcome)));
            if (denied && pauses.stopsOnDeny(run.agent)) {
                run.iterations.add(new Iteration(current.number(), current.call(), current.toolCalls(),
                        current.startedAt(), now()));
                return run.end(StopReasons.APPROVAL_DENIED, new LoopOutcome.LoopError("approval_denied",
                        "The tool call " + pending.name() + " was denied; the agent stops on a denial"));
            }
        }
        return null;
    }

    /** Stops the run for a pause: the state to go on with, and nothing run for the calls still pending. */
    private LoopOutcome paused(Run run, Iteration current, List<PendingToolCall> pending, ToolPauses.Gate gate) {
        boolean approval = gate == ToolPauses.Gate.APPROVAL;
        List<String> awaiting = approval ? List.of() : pending.stream()
                .filter(p -> pauses.gate(run.agent, p.name()) == ToolPauses.Gate.LOCAL).map(PendingToolCall::id).toList();
        long elapsed = budget.minus(Duration.between(clock.instant(), run.deadline)).toMillis();
        LoopPause pause = new LoopPause(Ids.newId(approval ? "approval" : "await"),
                approval ? LoopPause.APPROVAL : LoopPause.AWAIT, StoredIteration.of(current), List.copyOf(pending),
                awaiting, List.copyOf(run.conversation),
                run.iterations.stream().map(StoredIteration::of).toList(), List.copyOf(run.toolCalls), run.lastText,
                Math.max(0, elapsed), run.events.streaming() && !current.call().response().text().isEmpty());
        List<Iteration> soFar = new ArrayList<>(run.iterations);
        soFar.add(current);
        return new LoopOutcome(soFar, run.toolCalls, run.lastText, null, null, pause);
    }

    private String toolType(Run run, PendingToolCall call) {
        return pauses.gate(run.agent, call.name()) == ToolPauses.Gate.LOCAL ? ToolPauses.TYPE_LOCAL : "builtin";
    }

    private @Nullable Object arguments(String argumentsJson) {
        try {
            return json.readValue(argumentsJson, Object.class);
        } catch (IOException | RuntimeException e) {
            return argumentsJson;
        }
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
