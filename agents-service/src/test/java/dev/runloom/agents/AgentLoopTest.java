package dev.runloom.agents;

import dev.runloom.agents.agent.AgentConfig;
import dev.runloom.agents.loop.AgentLoop;
import dev.runloom.agents.loop.AgentSpec;
import dev.runloom.agents.loop.AgentTools;
import dev.runloom.agents.loop.LoopOutcome;
import dev.runloom.agents.loop.StopReasons;
import dev.runloom.agents.loop.ToolCall;
import dev.runloom.models.ChatMessage;
import dev.runloom.models.LocalModel;
import dev.runloom.models.ModelResponse;
import dev.runloom.models.Models;
import dev.runloom.models.PriceTable;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The loop's bounds, with tools that ask for more tool calls on every turn (no application context needed). */
class AgentLoopTest {
    private static final List<ChatMessage> INPUT = List.of(new ChatMessage("user", "go"));

    private final Models models;

    AgentLoopTest() {
        PriceTable.Entry local = new PriceTable.Entry("local");
        local.setInputPerMillion(new BigDecimal("0.15"));
        local.setOutputPerMillion(new BigDecimal("0.60"));
        models = new Models(List.of(new LocalModel()), new PriceTable(List.of(local)));
    }

    /** Asks for {@code perTurn} calls of a tool on each of its first {@code turns} answers, then stops asking. */
    private static final class EagerTools implements AgentTools {
        final int perTurn;
        int turnsLeft;
        final List<ToolCall> ran = new ArrayList<>();

        EagerTools(int perTurn, int turns) {
            this.perTurn = perTurn;
            this.turnsLeft = turns;
        }

        @Override
        public List<ToolCall> requestedBy(ModelResponse response) {
            if (turnsLeft-- <= 0) {
                return List.of();
            }
            List<ToolCall> calls = new ArrayList<>();
            for (int i = 0; i < perTurn; i++) {
                calls.add(new ToolCall("call_" + ran.size() + "_" + i, "lookup", "{}"));
            }
            return calls;
        }

        @Override
        public ChatMessage run(AgentSpec agent, ToolCall call) {
            ran.add(call);
            return new ChatMessage("tool", "result of " + call.id());
        }
    }

    private static AgentSpec agent(int maxTurns, int maxToolCalls) {
        return new AgentSpec("agent_t", "T", "runtype", null, AgentConfig.basic("local", null, 0.7, maxTurns, maxToolCalls));
    }

    @Test
    void toolResultsFeedTheNextIterationUntilTheModelStopsAsking() {
        EagerTools tools = new EagerTools(2, 2);
        LoopOutcome outcome = new AgentLoop(models, tools).run(agent(5, 10), INPUT);
        assertThat(outcome.stopReason()).isEqualTo(StopReasons.END_TURN);
        assertThat(outcome.iterations()).hasSize(3);
        assertThat(outcome.iterations()).extracting(i -> i.toolCalls()).containsExactly(2, 2, 0);
        assertThat(tools.ran).hasSize(4);
        assertThat(outcome.totalCost()).isEqualTo(outcome.iterations().stream()
                .map(i -> i.call().cost()).reduce(BigDecimal.ZERO, BigDecimal::add)).isPositive();
        // each iteration saw a longer conversation (tool results included), so used more prompt tokens
        assertThat(outcome.iterations().get(1).call().response().usage().promptTokens())
                .isGreaterThan(outcome.iterations().get(0).call().response().usage().promptTokens());
    }

    @Test
    void stopsAtMaxTurns() {
        LoopOutcome outcome = new AgentLoop(models, new EagerTools(1, 100)).run(agent(3, 50), INPUT);
        assertThat(outcome.stopReason()).isEqualTo(StopReasons.MAX_ITERATIONS_REACHED);
        assertThat(outcome.iterations()).hasSize(3);
        assertThat(outcome.failed()).isFalse();
    }

    @Test
    void stopsBeforeExceedingMaxToolCalls() {
        EagerTools tools = new EagerTools(3, 100);
        LoopOutcome outcome = new AgentLoop(models, tools).run(agent(10, 7), INPUT);
        assertThat(outcome.stopReason()).isEqualTo(StopReasons.MAX_TOOL_CALLS);
        assertThat(tools.ran).hasSize(6);
        assertThat(outcome.iterations()).hasSize(3);
    }

    @Test
    void aModelNobodyServesEndsInError() {
        AgentSpec unserved = new AgentSpec("agent_u", "U", "runtype", null,
                AgentConfig.basic("gpt-nowhere", null, 0.7, 5, 10));
        LoopOutcome outcome = new AgentLoop(models, new EagerTools(0, 0)).run(unserved, INPUT);
        assertThat(outcome.stopReason()).isEqualTo(StopReasons.ERROR);
        assertThat(outcome.error().code()).isEqualTo("unknown_model");
        assertThat(outcome.iterations()).isEmpty();
    }
}
