package dev.runloom.records.results;

import dev.runloom.common.jdbc.JsonColumns;
import dev.runloom.common.jdbc.Sql;
import dev.runloom.common.jdbc.Where;
import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.GenericRepository;

import java.util.List;

/**
 * The {@code record_results} projection. Reads filter by organization and take the request's
 * filters ({@link Where}); writes are one multi-row statement per poll of events.
 */
@JdbcRepository(dialect = Dialect.POSTGRES)
public abstract class RecordResultRepository implements GenericRepository<RecordResult, String> {
    /*
     * One statement for a whole poll's worth of rows: each column travels as one text array and
     * unnest() zips them back into rows. The SQL text never changes with the batch size (one
     * prepared statement, no 65535-parameter ceiling). ON CONFLICT is the second line of defence
     * after the inbox: a result id is stored once however often its event arrives.
     */
    private static final String INSERT_ALL = """
            INSERT INTO record_results (id, organization_id, record_id, execution_id, batch_id, schedule_run_id,
                                        flow_id, flow_name, prompt_id, prompt_name, status, result, model,
                                        prompt_tokens, completion_tokens, cost, created_at)
            SELECT id, organization_id, record_id, execution_id, batch_id, schedule_run_id,
                   flow_id, flow_name, prompt_id, prompt_name, status, result::jsonb, model,
                   prompt_tokens::bigint, completion_tokens::bigint, cost::numeric, created_at::timestamptz
            FROM unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[],
                        ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[],
                        ?::text[])
                 AS r(id, organization_id, record_id, execution_id, batch_id, schedule_run_id,
                      flow_id, flow_name, prompt_id, prompt_name, status, result, model,
                      prompt_tokens, completion_tokens, cost, created_at)
            ON CONFLICT (id) DO NOTHING""";
    private static final int COLUMN_COUNT = 17;
    private static final String COLUMNS = "id, organization_id, record_id, execution_id, batch_id, schedule_run_id, "
            + "flow_id, flow_name, prompt_id, prompt_name, status, result, model, prompt_tokens, completion_tokens, "
            + "cost, created_at";

    private final Sql sql;
    private final JsonColumns json;

    protected RecordResultRepository(Sql sql, JsonColumns json) {
        this.sql = sql;
        this.json = json;
    }

    /** @return how many rows were new */
    public int insertAll(List<RecordResult> results) {
        if (results.isEmpty()) {
            return 0;
        }
        String[][] columns = new String[COLUMN_COUNT][results.size()];
        for (int row = 0; row < results.size(); row++) {
            RecordResult r = results.get(row);
            String[] values = {r.id(), r.organizationId(), r.recordId(), r.executionId(), r.batchId(), r.scheduleRunId(),
                    r.flowId(), r.flowName(), r.promptId(), r.promptName(), r.status(),
                    r.result() == null ? null : json.text(r.result()), r.model(),
                    Long.toString(r.promptTokens()), Long.toString(r.completionTokens()), r.cost().toPlainString(),
                    r.createdAt().toString()};
            for (int column = 0; column < COLUMN_COUNT; column++) {
                columns[column][row] = values[column];
            }
        }
        return sql.update(INSERT_ALL, (Object[]) columns);
    }

    public List<RecordResult> find(String organizationId, RecordResultQuery query, int limit, long offset) {
        Where where = where(organizationId, query);
        return sql.list("SELECT " + COLUMNS + " FROM record_results" + where.sql() + orderBy(query) + " LIMIT ? OFFSET ?",
                RecordResult.class, where.paramsThen(limit, offset));
    }

    public long count(String organizationId, RecordResultQuery query) {
        Where where = where(organizationId, query);
        return sql.count("SELECT count(*) FROM record_results" + where.sql(), where.params());
    }

    private static Where where(String organizationId, RecordResultQuery query) {
        return Where.of("organization_id = ? AND record_id = ?", organizationId, query.recordId())
                .andIfPresent("status = ?", query.status())
                .andIfPresent("prompt_id = ?", query.promptId())
                .andIfPresent("flow_id = ?", query.flowId())
                .andIfPresent("created_at >= ?", query.from())
                .andIfPresent("created_at <= ?", query.to());
    }

    /** Ties broken by creation time then id, so pages never overlap or skip rows. */
    private static String orderBy(RecordResultQuery query) {
        String direction = query.ascending() ? "ASC" : "DESC";
        String timeAndId = "created_at " + direction + ", id " + direction;
        return switch (query.sortBy()) {
            case CREATED_AT -> " ORDER BY " + timeAndId;
            case STATUS -> " ORDER BY status " + direction + ", " + timeAndId;
        };
    }

    /** A deleted record's own results go with it (reference §5 Q18); one statement for many records. */
    public int deleteForRecords(String organizationId, String[] recordIds) {
        return sql.update("DELETE FROM record_results WHERE organization_id = ? AND record_id = ANY(?::text[])",
                organizationId, recordIds);
    }

    /** Per model (null model as {@code "unknown"}): cost, prompt and completion tokens and result count, costliest first. */
    public List<ModelTotals> costsByModel(String organizationId, String recordId) {
        return sql.list("""
                SELECT coalesce(model, 'unknown') AS model, sum(cost) AS cost, sum(prompt_tokens) AS prompt_tokens,
                       sum(completion_tokens) AS completion_tokens, count(*) AS results
                FROM record_results WHERE organization_id = ? AND record_id = ?
                GROUP BY 1 ORDER BY 2 DESC, 1""",
                row -> new ModelTotals(row.string("model"), row.decimal("cost"), row.longValue("prompt_tokens"),
                        row.longValue("completion_tokens"), row.longValue("results")),
                organizationId, recordId);
    }

    public long countExecutions(String organizationId, String recordId) {
        return sql.count("SELECT count(DISTINCT execution_id) FROM record_results WHERE organization_id = ? AND record_id = ?",
                organizationId, recordId);
    }

    /** @return whether the result existed (in this organization, on this record) */
    public boolean delete(String organizationId, String recordId, String resultId) {
        return sql.update("DELETE FROM record_results WHERE organization_id = ? AND record_id = ? AND id = ?",
                organizationId, recordId, resultId) == 1;
    }

    /** One model's sums over a record's results. */
    public record ModelTotals(String model, java.math.BigDecimal cost, long promptTokens, long completionTokens,
                              long results) {
    }
}
