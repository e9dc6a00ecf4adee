package dev.runloom.flows.costs;

import dev.runloom.agents.events.AgentEvents;
import dev.runloom.agents.events.AgentExecutionCompletedV1;
import dev.runloom.flows.events.FlowEvents;
import dev.runloom.flows.events.RecordExecutionCompletedV1;
import dev.runloom.flows.events.StepResultV1;
import dev.runloom.kernel.consumer.EventSubscriber;
import dev.runloom.kernel.consumer.Received;
import dev.runloom.kernel.consumer.Subscription;
import jakarta.inject.Singleton;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Feeds the cost ledger from the completion events of flows' record executions and agents'
 * executions, a poll's worth per transaction (the inbox makes a redelivered event count once).
 *
 * <p>A flow execution books each model-calling step under its model; the source is {@code schedule}
 * when a schedule run started it, else {@code flow}. Steps without a model (an {@code execute-agent}
 * step's cost is the agent's) are not booked here: the agent execution's own event books them, so
 * nothing counts twice. An agent execution books its cost under its configured model; source
 * {@code schedule} or {@code agent}.
 */
@Singleton
public class CostLedgerSubscriber implements EventSubscriber {
    private final CostLedgerRepository ledger;

    public CostLedgerSubscriber(CostLedgerRepository ledger) {
        this.ledger = ledger;
    }

    @Override
    public Subscription subscription() {
        return Subscription.consumer("flows-service.cost-ledger")
                .on(FlowEvents.RECORD_EXECUTION_COMPLETED, this::bookFlows)
                .on(AgentEvents.EXECUTION_COMPLETED, this::bookAgents)
                .build();
    }

    void bookFlows(List<Received<RecordExecutionCompletedV1>> events) {
        Map<String, LedgerEntry> entries = new LinkedHashMap<>();
        for (Received<RecordExecutionCompletedV1> event : events) {
            RecordExecutionCompletedV1 e = event.payload();
            LocalDate day = day(e.completedAt());
            String source = e.scheduleRunId() != null ? LedgerEntry.SCHEDULE : LedgerEntry.FLOW;
            if (e.steps() != null) {
                for (StepResultV1 step : e.steps()) {
                    if (step.modelUsed() == null) {
                        continue;
                    }
                    add(entries, new LedgerEntry(e.organizationId(), day, source, step.modelUsed(),
                            orZero(step.estimatedCost()), orZero(step.promptTokens()), orZero(step.completionTokens()),
                            orZero(step.totalTokens()), 1));
                }
            } else {
                for (RecordExecutionCompletedV1.PromptResultV1 result : e.results()) {
                    if (result.model() == null) {
                        continue;
                    }
                    add(entries, new LedgerEntry(e.organizationId(), day, source, result.model(), orZero(result.cost()),
                            result.promptTokens(), result.completionTokens(),
                            result.promptTokens() + result.completionTokens(), 1));
                }
            }
        }
        ledger.add(entries.values());
    }

    void bookAgents(List<Received<AgentExecutionCompletedV1>> events) {
        Map<String, LedgerEntry> entries = new LinkedHashMap<>();
        for (Received<AgentExecutionCompletedV1> event : events) {
            AgentExecutionCompletedV1 e = event.payload();
            String source = e.scheduleRunId() != null ? LedgerEntry.SCHEDULE : LedgerEntry.AGENT;
            String model = e.model() != null ? e.model() : LedgerEntry.UNKNOWN_MODEL;
            add(entries, new LedgerEntry(e.organizationId(), day(e.completedAt()), source, model, orZero(e.totalCost()),
                    0, 0, e.totalTokens(), 1));
        }
        ledger.add(entries.values());
    }

    private static void add(Map<String, LedgerEntry> entries, LedgerEntry entry) {
        entries.merge(entry.key(), entry, LedgerEntry::plus);
    }

    private static LocalDate day(Instant at) {
        return at.atZone(ZoneOffset.UTC).toLocalDate();
    }

    private static BigDecimal orZero(BigDecimal value) {
        return value == null ? BigDecimal.ZERO : value;
    }

    private static long orZero(Long value) {
        return value == null ? 0 : value;
    }
}
