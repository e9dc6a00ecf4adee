package dev.runloom.flows.costs;

import dev.runloom.common.jdbc.Sql;
import dev.runloom.common.jdbc.Where;
import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.GenericRepository;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/** The {@code cost_ledger} table: a poll's entries added in one JDBC batch; reads grouped as asked. */
@JdbcRepository(dialect = Dialect.POSTGRES)
public abstract class CostLedgerRepository implements GenericRepository<Budget, String> {
    private final Sql sql;

    protected CostLedgerRepository(Sql sql) {
        this.sql = sql;
    }

    public void add(Collection<LedgerEntry> entries) {
        if (entries.isEmpty()) {
            return;
        }
        sql.batch("""
                INSERT INTO cost_ledger (organization_id, day, source, model, cost, prompt_tokens, completion_tokens,
                                         total_tokens, calls)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (organization_id, day, source, model) DO UPDATE SET
                    cost = cost_ledger.cost + EXCLUDED.cost,
                    prompt_tokens = cost_ledger.prompt_tokens + EXCLUDED.prompt_tokens,
                    completion_tokens = cost_ledger.completion_tokens + EXCLUDED.completion_tokens,
                    total_tokens = cost_ledger.total_tokens + EXCLUDED.total_tokens,
                    calls = cost_ledger.calls + EXCLUDED.calls""", entries,
                e -> new Object[]{e.organizationId(), e.day(), e.source(), e.model(), e.cost(), e.promptTokens(),
                        e.completionTokens(), e.totalTokens(), e.calls()});
    }

    /** The organization's spend from {@code from} (inclusive) on. */
    public BigDecimal spentSince(String organizationId, LocalDate from) {
        return sql.first("SELECT coalesce(sum(cost), 0) AS spent FROM cost_ledger WHERE organization_id = ? AND day >= ?",
                row -> row.decimal("spent"), organizationId, from).orElse(BigDecimal.ZERO);
    }

    /** One line of a ledger read: the grouping columns not asked for are null. */
    public record Line(LocalDate day, String source, String model, BigDecimal cost, long promptTokens,
                       long completionTokens, long totalTokens, long calls) {
    }

    /**
     * Sums of {@code [from, to]} grouped by the given columns (a subset of day, source, model, from a
     * fixed list: never user text in SQL), newest day first.
     */
    public List<Line> read(String organizationId, LocalDate from, LocalDate to, List<String> groupBy, String source,
                           String model) {
        List<String> columns = new ArrayList<>();
        for (String column : List.of("day", "source", "model")) {
            if (groupBy.contains(column)) {
                columns.add(column);
            }
        }
        Where where = Where.of("organization_id = ?", organizationId).and("day >= ?", from).and("day <= ?", to)
                .andIfPresent("source = ?", source).andIfPresent("model = ?", model);
        String select = columns.isEmpty() ? "" : String.join(", ", columns.stream()
                .map(c -> c.equals("day") ? "day::text AS day" : c).toList()) + ", ";
        String group = columns.isEmpty() ? "" : " GROUP BY " + String.join(", ", columns)
                + " ORDER BY " + String.join(", ", columns.stream().map(c -> c.equals("day") ? "1 DESC" : c).toList());
        return sql.list("SELECT " + select + "sum(cost) AS cost, sum(prompt_tokens) AS prompt_tokens, "
                        + "sum(completion_tokens) AS completion_tokens, sum(total_tokens) AS total_tokens, "
                        + "sum(calls) AS calls FROM cost_ledger" + where.sql() + group,
                row -> new Line(columns.contains("day") ? LocalDate.parse(row.string("day")) : null,
                        columns.contains("source") ? row.string("source") : null,
                        columns.contains("model") ? row.string("model") : null,
                        row.decimal("cost") == null ? BigDecimal.ZERO : row.decimal("cost"),
                        row.longValue("prompt_tokens"), row.longValue("completion_tokens"),
                        row.longValue("total_tokens"), row.longValue("calls")),
                where.params());
    }
}
