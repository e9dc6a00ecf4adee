package dev.runloom.records.stepresults;

import dev.runloom.common.jdbc.Sql;
import dev.runloom.common.jdbc.Where;
import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.GenericRepository;

import java.util.List;

/** The {@code record_step_results} projection: one multi-row insert per poll, filtered reads per record. */
@JdbcRepository(dialect = Dialect.POSTGRES)
public abstract class RecordStepResultRepository implements GenericRepository<RecordStepResult, String> {
    private static final String COLUMNS = "id, organization_id, user_id, record_id, record_name, execution_id, batch_id, "
            + "flow_id, flow_version_id, step_id, step_type, step_name, step_order, status, started_at, completed_at, "
            + "duration_ms, output_preview, model_used, prompt_tokens, completion_tokens, total_tokens, estimated_cost, "
            + "error_message, retry_count, created_at";
    private static final int COLUMN_COUNT = 26;
    /* Each column as one text array zipped back into rows by unnest(), as record_results does; ON CONFLICT
       keeps a redelivered step once. */
    private static final String INSERT_ALL = "INSERT INTO record_step_results (" + COLUMNS + ") "
            + "SELECT id, organization_id, user_id, record_id, record_name, execution_id, batch_id, flow_id, "
            + "flow_version_id, step_id, step_type, step_name, step_order::int, status, started_at::timestamptz, "
            + "completed_at::timestamptz, duration_ms::bigint, output_preview, model_used, prompt_tokens::bigint, "
            + "completion_tokens::bigint, total_tokens::bigint, estimated_cost::numeric, error_message, "
            + "retry_count::int, created_at::timestamptz FROM unnest("
            + String.join(", ", java.util.Collections.nCopies(COLUMN_COUNT, "?::text[]")) + ") AS r(" + COLUMNS + ") "
            + "ON CONFLICT (id) DO NOTHING";

    private final Sql sql;

    protected RecordStepResultRepository(Sql sql) {
        this.sql = sql;
    }

    public int insertAll(List<RecordStepResult> rows) {
        if (rows.isEmpty()) {
            return 0;
        }
        String[][] columns = new String[COLUMN_COUNT][rows.size()];
        for (int i = 0; i < rows.size(); i++) {
            RecordStepResult r = rows.get(i);
            String[] values = {r.id(), r.organizationId(), r.userId(), r.recordId(), r.recordName(), r.executionId(),
                    r.batchId(), r.flowId(), r.flowVersionId(), r.stepId(), r.stepType(), r.stepName(),
                    Integer.toString(r.stepOrder()), r.status(), r.startedAt().toString(), r.completedAt().toString(),
                    Long.toString(r.durationMs()), r.outputPreview(), r.modelUsed(), text(r.promptTokens()),
                    text(r.completionTokens()), text(r.totalTokens()),
                    r.estimatedCost() == null ? null : r.estimatedCost().toPlainString(), r.errorMessage(),
                    Integer.toString(r.retryCount()), r.createdAt().toString()};
            for (int c = 0; c < COLUMN_COUNT; c++) {
                columns[c][i] = values[c];
            }
        }
        return sql.update(INSERT_ALL, (Object[]) columns);
    }

    /** One row more than the limit, so the caller knows whether another page follows. */
    public List<RecordStepResult> find(String organizationId, RecordStepResultQuery q) {
        Where where = Where.of("organization_id = ? AND record_id = ?", organizationId, q.recordId())
                .andIfPresent("flow_id = ?", q.flowId())
                .andIfPresent("batch_id = ?", q.batchId())
                .andIfPresent("status = ?", q.status())
                .andIfPresent("step_id = ?", q.stepId())
                .andIfPresent("created_at >= ?", q.from())
                .andIfPresent("created_at <= ?", q.to());
        String direction = q.ascending() ? " ASC" : " DESC";
        String order = q.sortBy() == RecordStepResultQuery.SortBy.CREATED_AT
                ? "created_at" + direction + ", id" + direction
                : q.sortBy().column + direction + ", created_at" + direction + ", id" + direction;
        return sql.list("SELECT " + COLUMNS + " FROM record_step_results" + where.sql() + " ORDER BY " + order
                + " LIMIT ? OFFSET ?", RecordStepResult.class, where.paramsThen(q.limit() + 1, q.offset()));
    }

    private static String text(Long value) {
        return value == null ? null : value.toString();
    }

    /** A deleted record's step results go with it; one statement for many records. */
    public int deleteForRecords(String organizationId, String[] recordIds) {
        return sql.update("DELETE FROM record_step_results WHERE organization_id = ? AND record_id = ANY(?::text[])",
                organizationId, recordIds);
    }
}
