package dev.runloom.flows.costs;

import dev.runloom.flows.engine.FlowExecutionOutcome;
import dev.runloom.flows.stepresults.StepResult;
import io.micronaut.transaction.TransactionDefinition;
import io.micronaut.transaction.annotation.Transactional;
import jakarta.inject.Singleton;

import java.util.ArrayList;
import java.util.List;

/**
 * Books flows' record executions in the cost ledger, in the transaction that records them, so each
 * execution counts exactly once without a consumer of this service's own events.
 *
 * <p>Each model-calling step is booked under its model; the source is {@code schedule} when a
 * schedule run started the execution, else {@code flow}. Steps without a model (an
 * {@code execute-agent} step's cost is the agent's) are not booked here: the agent execution's own
 * event books them ({@link CostLedgerSubscriber}), so nothing counts twice.
 */
@Singleton
public class FlowCostBooking {
    private final CostLedgerRepository ledger;

    public FlowCostBooking(CostLedgerRepository ledger) {
        this.ledger = ledger;
    }

    @Transactional(propagation = TransactionDefinition.Propagation.MANDATORY)
    public void book(List<FlowExecutionOutcome> outcomes) {
        List<LedgerEntry> entries = new ArrayList<>();
        for (FlowExecutionOutcome o : outcomes) {
            String source = o.scope().scheduleRunId() != null ? LedgerEntry.SCHEDULE : LedgerEntry.FLOW;
            for (StepResult step : o.stepResults()) {
                if (step.modelUsed() == null) {
                    continue;
                }
                entries.add(new LedgerEntry(o.scope().organizationId(), LedgerEntry.day(o.completedAt()), source,
                        step.modelUsed(), LedgerEntry.orZero(step.estimatedCost()), orZero(step.promptTokens()),
                        orZero(step.completionTokens()), orZero(step.totalTokens()), 1));
            }
        }
        if (!entries.isEmpty()) {
            ledger.add(LedgerEntry.summed(entries));
        }
    }

    private static long orZero(Long value) {
        return value == null ? 0 : value;
    }
}
