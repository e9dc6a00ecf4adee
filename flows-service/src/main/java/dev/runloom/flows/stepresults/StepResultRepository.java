package dev.runloom.flows.stepresults;

import dev.runloom.common.jdbc.Sql;
import dev.runloom.common.jdbc.Where;
import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.json.JsonMapper;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.GenericRepository;

import java.util.List;

/**
 * The {@code step_results} table. Writes are one JDBC batch per poll of work (the driver rewrites it
 * into multi-row INSERTs); the listing's WHERE depends on the request's filters ({@link Where}).
 * Every read filters by organization.
 */
@JdbcRepository(dialect = Dialect.POSTGRES)
public abstract class StepResultRepository implements GenericRepository<StepResult, String> {
    private static final String COLUMNS = """
            id, organization_id, user_id, flow_id, flow_version_id, batch_id, execution_id, record_id, record_name,
            step_id, step_type, step_name, step_order, status, started_at, completed_at, duration_ms, output_preview,
            resolved_prompt, model_used, prompt_tokens, completion_tokens, total_tokens, estimated_cost,
            input_price_per_million, output_price_per_million, cached_prompt_tokens, cached_input_price_per_million,
            error_message, retry_count, created_at""";
    private static final String DETAIL_COLUMNS = "step_config, input_variables, record_metadata";
    /** A listing that did not ask for the heavy fields never reads them. */
    private static final String NO_DETAILS = "NULL::text AS step_config, NULL::text AS input_variables,"
            + " NULL::text AS record_metadata";
    private static final String INSERT = "INSERT INTO step_results (" + COLUMNS + ", " + DETAIL_COLUMNS + ") VALUES ("
            + "?,".repeat(33) + "?)"; // the details are JSON text in TEXT columns (flows V10)

    private final Sql sql;
    private final JsonMapper json;

    protected StepResultRepository(Sql sql, JsonMapper json) {
        this.sql = sql;
        this.json = json;
    }

    /** One JDBC batch, inside the caller's transaction. */
    public void insertAll(List<StepResult> results) {
        sql.batch(INSERT, results, r -> new Object[]{r.id(), r.organizationId(), r.userId(), r.flowId(),
                r.flowVersionId(), r.batchId(), r.executionId(), r.recordId(), r.recordName(), r.stepId(), r.stepType(),
                r.stepName(), r.stepOrder(), r.status(), r.startedAt(), r.completedAt(), r.durationMs(),
                r.outputPreview(), r.resolvedPrompt(), r.modelUsed(), r.promptTokens(), r.completionTokens(),
                r.totalTokens(), r.estimatedCost(), r.inputPricePerMillion(), r.outputPricePerMillion(),
                r.cachedPromptTokens(), r.cachedInputPricePerMillion(), r.errorMessage(), r.retryCount(), r.createdAt(),
                StepResultDetails.capped(json, r.stepConfig()), StepResultDetails.capped(json, r.inputVariables()),
                StepResultDetails.capped(json, r.recordMetadata())});
    }

    /** A page of a flow's step results, {@code rows} at most (callers ask one more than they show). */
    public List<StepResult> find(String organizationId, String flowId, StepResultQuery q, int rows) {
        Where where = Where.of("organization_id = ? AND flow_id = ?", organizationId, flowId)
                .andIfPresent("record_id = ?", q.recordId())
                .andIfPresent("batch_id = ?", q.batchId())
                .andIfPresent("status = ?", q.status())
                .andIfPresent("step_id = ?", q.stepId())
                .andIfPresent("created_at >= ?", q.from())
                .andIfPresent("created_at <= ?", q.to());
        String direction = q.ascending() ? " ASC" : " DESC";
        // the id tie-breaker keeps offsets stable between pages
        String details = q.includeDetails() ? DETAIL_COLUMNS : NO_DETAILS;
        return sql.list("SELECT " + COLUMNS + ", " + details + " FROM step_results" + where.sql() + " ORDER BY " + q.sortBy().column
                + direction + ", id" + direction + " LIMIT ? OFFSET ?", StepResult.class, where.paramsThen(rows, q.offset()));
    }

    /** Drops the step results of deleted records (one statement for a poll's worth of deletions). */
    public int deleteForRecords(String organizationId, String[] recordIds) {
        return sql.update("DELETE FROM step_results WHERE organization_id = ? AND record_id = ANY(?::text[])",
                organizationId, recordIds);
    }
}
