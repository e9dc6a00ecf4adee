package dev.runloom.flows.costs;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What one completion adds to one ledger row (organization, UTC day, source, model). */
public record LedgerEntry(String organizationId, LocalDate day, String source, String model, BigDecimal cost,
                          long promptTokens, long completionTokens, long totalTokens, long calls) {
    public static final String FLOW = "flow";
    public static final String SCHEDULE = "schedule";
    public static final String AGENT = "agent";
    /** The model of an agent execution whose producer did not say. */
    public static final String UNKNOWN_MODEL = "unknown";

    /** One entry per ledger row: what a transaction adds to each row, summed, so each row is written once. */
    static Collection<LedgerEntry> summed(List<LedgerEntry> entries) {
        Map<String, LedgerEntry> rows = new LinkedHashMap<>();
        for (LedgerEntry entry : entries) {
            rows.merge(entry.key(), entry, LedgerEntry::plus);
        }
        return rows.values();
    }

    /** The ledger's day of an instant: UTC. */
    static LocalDate day(Instant at) {
        return at.atZone(ZoneOffset.UTC).toLocalDate();
    }

    static BigDecimal orZero(BigDecimal value) {
        return value == null ? BigDecimal.ZERO : value;
    }

    LedgerEntry plus(LedgerEntry other) {
        return new LedgerEntry(organizationId, day, source, model, cost.add(other.cost), promptTokens + other.promptTokens,
                completionTokens + other.completionTokens, totalTokens + other.totalTokens, calls + other.calls);
    }

    String key() {
        return organizationId + "\u0000" + day + "\u0000" + source + "\u0000" + model;
    }
}
