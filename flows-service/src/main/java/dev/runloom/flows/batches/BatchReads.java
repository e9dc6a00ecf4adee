package dev.runloom.flows.batches;

import dev.runloom.common.jdbc.Row;
import dev.runloom.common.jdbc.JsonColumns;
import dev.runloom.common.jdbc.Sql;
import dev.runloom.flows.recordsource.SourceRecord;
import io.micronaut.core.type.Argument;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import jakarta.inject.Singleton;

import java.math.BigDecimal;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The batch API's read-side queries over {@code batches}, {@code flow_executions} and
 * {@code step_results}: the summary, a batch's per-record results, a record's cost within a batch.
 * Every statement filters by organization.
 */
@Singleton
public class BatchReads {
    private static final Argument<Map<String, Object>> JSON_OBJECT = Argument.mapOf(String.class, Object.class);

    private final Sql sql;
    private final JsonColumns json;

    public BatchReads(Sql sql, JsonColumns json) {
        this.sql = sql;
        this.json = json;
    }

    /**
     * The records a batch ran, each once (its latest execution), as they were then: id, name, type and
     * the metadata its step results kept — what a replay of the batch runs on.
     */
    public List<SourceRecord> executedRecords(String organizationId, String batchId) {
        return sql.list("""
                SELECT DISTINCT ON (e.record_id) e.record_id, e.record_name, e.record_type,
                       (SELECT s.record_metadata::text FROM step_results s
                        WHERE s.batch_id = e.batch_id AND s.record_id = e.record_id AND s.execution_id = e.id
                          AND s.record_metadata IS NOT NULL LIMIT 1) AS metadata
                FROM flow_executions e
                WHERE e.organization_id = ? AND e.batch_id = ?
                ORDER BY e.record_id, e.started_at DESC""",
                row -> new SourceRecord(row.string("record_id"), row.string("record_name"), row.string("record_type"),
                        json.read(row.string("metadata"), JSON_OBJECT)),
                organizationId, batchId);
    }

    /**
     * The variables a record's execution in the batch had when the step started ({@code inputVariables}
     * of its latest row that ran); empty when the step never ran for the record there.
     */
    public Optional<Map<String, Object>> variablesBefore(String organizationId, String batchId, String recordId,
                                                         String stepId) {
        return sql.first("""
                SELECT input_variables::text AS variables FROM step_results
                WHERE batch_id = ? AND record_id = ? AND step_id = ? AND organization_id = ?
                  AND input_variables IS NOT NULL
                ORDER BY created_at DESC, retry_count DESC LIMIT 1""",
                row -> json.read(row.string("variables"), JSON_OBJECT), batchId, recordId, stepId, organizationId);
    }

    /** One batch of the summary, with its flow's current name. */
    public record SummaryRow(String id, @Nullable String flowName, String status, int totalRecords,
                             int processedRecords, int failedRecords, Instant startedAt, @Nullable Instant completedAt) {
    }

    /** One record's execution in a batch (a run result, reference §2.9). */
    public record ResultRow(String executionId, String recordId, @Nullable String recordName,
                            @Nullable String recordType, String flowId, @Nullable String flowName, String status,
                            @Nullable String error, Instant startedAt, Instant completedAt) {
    }

    /** Cost of one model within a record's steps. */
    @Serdeable
    public record ModelCost(String model, BigDecimal cost, long tokens, long count) {
    }

    /** A record's cost in a batch: its executions (one; more only for a record listed twice) and their steps. */
    public record RecordCost(BigDecimal totalCost, long totalTokens, long promptTokens, long completionTokens,
                             long executionCount, List<ModelCost> modelBreakdown) {
    }

    private static final String SUMMARY_COLUMNS = "b.id, f.name AS flow_name, b.status, b.total_records,"
            + " b.processed_records, b.failed_records, b.started_at, b.completed_at"
            + " FROM batches b LEFT JOIN flows f ON f.organization_id = b.organization_id AND f.id = b.flow_id";

    /** The organization's unfinished batches, newest first, at most {@code limit}. */
    public List<SummaryRow> active(String organizationId, int limit) {
        return sql.list("SELECT " + SUMMARY_COLUMNS + " WHERE b.organization_id = ? AND b.completed_at IS NULL"
                + " ORDER BY b.started_at DESC, b.id DESC LIMIT ?", BatchReads::summary, organizationId, limit);
    }

    public long countActive(String organizationId) {
        return sql.count("SELECT count(*) FROM batches WHERE organization_id = ? AND completed_at IS NULL",
                organizationId);
    }

    /** The organization's batches finished since {@code since}, most recently started first. */
    public List<SummaryRow> recent(String organizationId, Instant since, int limit) {
        return sql.list("SELECT " + SUMMARY_COLUMNS + " WHERE b.organization_id = ? AND b.completed_at IS NOT NULL"
                        + " AND b.started_at >= ? ORDER BY b.started_at DESC, b.id DESC LIMIT ?", BatchReads::summary,
                organizationId, since, limit);
    }

    public long countRecent(String organizationId, Instant since) {
        return sql.count("SELECT count(*) FROM batches WHERE organization_id = ? AND completed_at IS NOT NULL"
                + " AND started_at >= ?", organizationId, since);
    }

    /** A window of the batch's record executions in the order they were recorded. */
    public List<ResultRow> results(String organizationId, String batchId, int limit, int offset) {
        return sql.list("""
                SELECT e.id, e.record_id, e.record_name, e.record_type, e.flow_id, f.name AS flow_name, e.status,
                       e.error, e.started_at, e.completed_at
                FROM flow_executions e LEFT JOIN flows f ON f.organization_id = e.organization_id AND f.id = e.flow_id
                WHERE e.organization_id = ? AND e.batch_id = ?
                ORDER BY e.completed_at, e.id LIMIT ? OFFSET ?""",
                row -> new ResultRow(row.string("id"), row.string("record_id"), row.string("record_name"),
                        row.string("record_type"), row.string("flow_id"), row.string("flow_name"), row.string("status"),
                        row.string("error"), row.instant("started_at"), row.instant("completed_at")),
                organizationId, batchId, limit, offset);
    }

    /** Empty (zero executions) when the record has no execution in the batch. */
    public RecordCost recordCost(String organizationId, String batchId, String recordId) {
        long executions = sql.count("SELECT count(*) FROM flow_executions WHERE organization_id = ? AND batch_id = ?"
                + " AND record_id = ?", organizationId, batchId, recordId);
        List<ModelCost> models = sql.list("""
                SELECT model_used, COALESCE(sum(estimated_cost), 0) AS cost, COALESCE(sum(total_tokens), 0) AS tokens,
                       count(*) AS calls
                FROM step_results
                WHERE organization_id = ? AND batch_id = ? AND record_id = ? AND model_used IS NOT NULL
                GROUP BY model_used ORDER BY model_used""",
                row -> new ModelCost(row.string("model_used"), row.decimal("cost").stripTrailingZeros(),
                        row.longValue("tokens"), row.longValue("calls")),
                organizationId, batchId, recordId);
        return sql.first("""
                SELECT COALESCE(sum(total_cost), 0) AS cost, COALESCE(sum(total_tokens), 0) AS tokens,
                       COALESCE(sum(prompt_tokens), 0) AS prompt, COALESCE(sum(completion_tokens), 0) AS completion
                FROM flow_executions WHERE organization_id = ? AND batch_id = ? AND record_id = ?""",
                row -> new RecordCost(row.decimal("cost").stripTrailingZeros(), row.longValue("tokens"),
                        row.longValue("prompt"), row.longValue("completion"), executions, models),
                organizationId, batchId, recordId).orElseThrow();
    }

    private static SummaryRow summary(Row row) throws SQLException {
        return new SummaryRow(row.string("id"), row.string("flow_name"), row.string("status"),
                row.intValue("total_records"), row.intValue("processed_records"), row.intValue("failed_records"),
                row.instant("started_at"), row.instant("completed_at"));
    }
}
