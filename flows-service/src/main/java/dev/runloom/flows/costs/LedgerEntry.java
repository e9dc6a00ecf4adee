package dev.runloom.flows.costs;

import java.math.BigDecimal;
import java.time.LocalDate;

/** What one completion adds to one ledger row (organization, UTC day, source, model). */
public record LedgerEntry(String organizationId, LocalDate day, String source, String model, BigDecimal cost,
                          long promptTokens, long completionTokens, long totalTokens, long calls) {
    public static final String FLOW = "flow";
    public static final String SCHEDULE = "schedule";
    public static final String AGENT = "agent";
    /** The model of an agent execution whose producer did not say. */
    public static final String UNKNOWN_MODEL = "unknown";

    LedgerEntry plus(LedgerEntry other) {
        return new LedgerEntry(organizationId, day, source, model, cost.add(other.cost), promptTokens + other.promptTokens,
                completionTokens + other.completionTokens, totalTokens + other.totalTokens, calls + other.calls);
    }

    String key() {
        return organizationId + "\u0000" + day + "\u0000" + source + "\u0000" + model;
    }
}
