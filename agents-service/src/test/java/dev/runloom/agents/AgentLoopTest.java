package dev.runloom.agents;

import dev.runloom.agents.agent.AgentConfig;
import dev.runloom.agents.loop.AgentLoop;
import dev.runloom.agents.loop.AgentSpec;
import dev.runloom.agents.loop.AgentTools;
import dev.runloom.agents.loop.LoopOutcome;
import dev.runloom.agents.loop.StopReasons;
import dev.runloom.agents.loop.ToolCall;
import dev.runloom.agents.loop.ToolContext;
import dev.runloom.agents.loop.ToolCallRecord;
import dev.runloom.agents.loop.ToolOutcome;
import dev.runloom.common.tenant.Tenant;
import dev.runloom.models.ModelCaller;
import dev.runloom.models.ModelProvider;
import dev.runloom.models.ModelRequest;
import dev.runloom.models.Sleeper;
import dev.runloom.models.ToolCallRequest;
import dev.runloom.models.ToolSpec;
import io.micronaut.json.JsonMapper;
import dev.runloom.models.ChatMessage;
import dev.runloom.models.LocalModel;
import dev.runloom.models.ModelResponse;
import dev.runloom.models.Models;
import dev.runloom.models.PriceTable;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** The loop's bounds, with tools that ask for more tool calls on every turn (no application context needed). */
class AgentLoopTest {
    private static final List<ChatMessage> INPUT = List.of(new ChatMessage("user", "go"));

    private static final Tenant TENANT = new Tenant("org_t", "user_t", Set.of());

    /** A model that asks for {@code perTurn} calls of {@code lookup} on each of its first {@code turns} answers. */
    private static final class EagerModel implements ModelProvider {
        final int perTurn;
        int turnsLeft;
        final LocalModel local = new LocalModel();

        EagerModel(int perTurn, int turns) {
            this.perTurn = perTurn;
            this.turnsLeft = turns;
        }

        @Override
        public boolean serves(String model) {
            return "local".equals(model);
        }

        @Override
        public ModelResponse complete(ModelRequest request) {
            ModelResponse text = local.complete(request.withTools(List.of()));
            if (turnsLeft-- <= 0) {
                return text;
            }
            List<ToolCallRequest> calls = new ArrayList<>();
            for (int i = 0; i < perTurn; i++) {
                calls.add(new ToolCallRequest("call_" + turnsLeft + "_" + i, "lookup", "{}"));
            }
            return new ModelResponse(request.model(), "", text.usage(), "tool_calls", calls);
        }
    }

    /** Offers {@code lookup}; records every call it runs. */
    private static final class LookupTools implements AgentTools {
        final List<ToolCall> ran = new ArrayList<>();

        @Override
        public List<ToolSpec> offered(AgentSpec agent) {
            return List.of(new ToolSpec("lookup", "looks up", null));
        }

        @Override
        public ToolOutcome run(Tenant tenant, AgentSpec agent, ToolCall call, ToolContext context) {
            ran.add(call);
            return ToolOutcome.completed("builtin", "looks up", Map.of(), "result of " + call.id(), 1);
        }
    }

    private static AgentLoop loop(ModelProvider provider, AgentTools tools) {
        PriceTable.Entry local = new PriceTable.Entry("local");
        local.setInputPerMillion(new BigDecimal("0.15"));
        local.setOutputPerMillion(new BigDecimal("0.60"));
        Models models = new Models(List.of(provider), new PriceTable(List.of(local)));
        ModelCaller caller = new ModelCaller(models, Duration.ofSeconds(5), Duration.ofMillis(1), Duration.ofMillis(5),
                Duration.ofSeconds(1), Sleeper.REAL);
        return new AgentLoop(caller, tools, new dev.runloom.agents.approvals.ToolPauses(), JsonMapper.createDefault(),
                Duration.ofMinutes(1), 0);
    }

    private static AgentSpec agent(int maxTurns, int maxToolCalls) {
        return new AgentSpec("agent_t", "T", "runtype", null, AgentConfig.basic("local", null, 0.7, maxTurns, maxToolCalls));
    }

    @Test
    void toolResultsFeedTheNextIterationUntilTheModelStopsAsking() {
        LookupTools tools = new LookupTools();
        LoopOutcome outcome = loop(new EagerModel(2, 2), tools).run(TENANT, agent(5, 10), INPUT);
        assertThat(outcome.stopReason()).isEqualTo(StopReasons.END_TURN);
        assertThat(outcome.iterations()).hasSize(3);
        assertThat(outcome.iterations()).extracting(i -> i.toolCalls()).containsExactly(2, 2, 0);
        assertThat(tools.ran).hasSize(4);
        assertThat(outcome.toolCalls()).hasSize(4);
        assertThat(outcome.toolCalls()).extracting(ToolCallRecord::seq).containsExactly(0, 1, 2, 3);
        assertThat(outcome.toolCalls()).extracting(ToolCallRecord::iteration).containsExactly(1, 1, 2, 2);
        assertThat(outcome.totalCost()).isEqualTo(outcome.iterations().stream()
                .map(i -> i.call().cost()).reduce(BigDecimal.ZERO, BigDecimal::add)).isPositive();
        // each iteration saw a longer conversation (tool results included), so used more prompt tokens
        assertThat(outcome.iterations().get(1).call().response().usage().promptTokens())
                .isGreaterThan(outcome.iterations().get(0).call().response().usage().promptTokens());
    }

    @Test
    void stopsAtMaxTurns() {
        LoopOutcome outcome = loop(new EagerModel(1, 100), new LookupTools()).run(TENANT, agent(3, 50), INPUT);
        assertThat(outcome.stopReason()).isEqualTo(StopReasons.MAX_ITERATIONS_REACHED);
        assertThat(outcome.iterations()).hasSize(3);
        assertThat(outcome.failed()).isFalse();
    }

    @Test
    void stopsBeforeExceedingMaxToolCalls() {
        LookupTools tools = new LookupTools();
        LoopOutcome outcome = loop(new EagerModel(3, 100), tools).run(TENANT, agent(10, 7), INPUT);
        assertThat(outcome.stopReason()).isEqualTo(StopReasons.MAX_TOOL_CALLS);
        assertThat(tools.ran).hasSize(6);
        assertThat(outcome.iterations()).hasSize(3);
    }

    @Test
    void aModelNobodyServesEndsInError() {
        AgentSpec unserved = new AgentSpec("agent_u", "U", "runtype", null,
                AgentConfig.basic("gpt-nowhere", null, 0.7, 5, 10));
        LoopOutcome outcome = loop(new EagerModel(0, 0), new LookupTools()).run(TENANT, unserved, INPUT);
        assertThat(outcome.stopReason()).isEqualTo(StopReasons.ERROR);
        assertThat(outcome.error().code()).isEqualTo("unknown_model");
        assertThat(outcome.iterations()).isEmpty();
    }
}
