package dev.runloom.flows.costs;

import dev.runloom.agents.events.AgentEvents;
import dev.runloom.agents.events.AgentExecutionCompletedV1;
import dev.runloom.kernel.consumer.EventSubscriber;
import dev.runloom.kernel.consumer.Received;
import dev.runloom.kernel.consumer.Subscription;
import jakarta.inject.Singleton;

import java.util.ArrayList;
import java.util.List;

/**
 * Feeds the cost ledger from agents-service's execution completion events, a poll's worth per
 * transaction (the inbox makes a redelivered event count once). An agent execution books its cost
 * under its configured model; source {@code schedule} or {@code agent}.
 *
 * <p>Flows' own executions are booked where they are recorded, in the same transaction
 * ({@link FlowCostBooking}): reading them back from Kafka cost a second decode and an inbox row per
 * record for data this service already had.
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
                .on(AgentEvents.EXECUTION_COMPLETED, this::bookAgents)
                .build();
    }

    void bookAgents(List<Received<AgentExecutionCompletedV1>> events) {
        List<LedgerEntry> entries = new ArrayList<>(events.size());
        for (Received<AgentExecutionCompletedV1> event : events) {
            AgentExecutionCompletedV1 e = event.payload();
            String source = e.scheduleRunId() != null ? LedgerEntry.SCHEDULE : LedgerEntry.AGENT;
            String model = e.model() != null ? e.model() : LedgerEntry.UNKNOWN_MODEL;
            entries.add(new LedgerEntry(e.organizationId(), LedgerEntry.day(e.completedAt()), source, model,
                    LedgerEntry.orZero(e.totalCost()), 0, 0, e.totalTokens(), 1));
        }
        ledger.add(LedgerEntry.summed(entries));
    }
}
