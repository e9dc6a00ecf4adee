package dev.runloom.flows.batches;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.runloom.common.pagination.QueryParams;
import dev.runloom.common.problem.ProblemException;
import dev.runloom.common.tenant.Tenant;
import dev.runloom.flows.engine.FlowExecutionOutcome;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.serde.annotation.Serdeable;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

/** {@code POST /v1/flows/:id/run-on-record-type} (seed 003) and {@code GET /v1/batch/status/:id} (B2). */
@Controller
public class BatchController {
    static final int DEFAULT_RESULTS_LIMIT = 100;
    static final int MAX_RESULTS_LIMIT = 1000;
    static final int MAX_RESULTS_OFFSET = 1_000_000;

    private final BatchStarter starter;
    private final BatchService batches;

    public BatchController(BatchStarter starter, BatchService batches) {
        this.starter = starter;
        this.batches = batches;
    }

    @Post("/v1/flows/{id}/run-on-record-type")
    public HttpResponse<?> runOnRecordType(Tenant tenant, @PathVariable String id, @Nullable @Body RunRequest body) {
        if (body == null) {
            throw ProblemException.validation("A JSON body with a recordType is required");
        }
        BatchRun run = starter.runOnRecordType(tenant, id, body.recordType());
        return switch (run) {
            case BatchRun.Inline inline -> HttpResponse.ok(InlineBatchResponse.of(inline));
            case BatchRun.Queued queued -> HttpResponse.accepted().body(QueuedBatchResponse.of(queued.batch()));
        };
    }

    /**
     * B2. With {@code includeResults=true}, {@code results} holds a window of the batch's per-record
     * results in the order they were recorded ({@code limit} 1–1000, default 100; {@code offset}).
     */
    @Get("/v1/batch/status/{id}")
    public BatchStatusResponse status(Tenant tenant, @PathVariable String id,
                                      @Nullable @QueryValue String includeResults,
                                      @Nullable @QueryValue String limit,
                                      @Nullable @QueryValue String offset) {
        boolean withResults = QueryParams.boolParam(includeResults, "includeResults", false);
        int pageSize = QueryParams.intParam(limit, "limit", DEFAULT_RESULTS_LIMIT, 1, MAX_RESULTS_LIMIT);
        int skip = QueryParams.intParam(offset, "offset", 0, 0, MAX_RESULTS_OFFSET);
        Batch batch = batches.status(tenant, id);
        return BatchStatusResponse.of(batch, withResults
                ? batches.results(tenant, batch.id(), pageSize, skip).stream().map(BatchRecordResult::of).toList()
                : null);
    }

    @Serdeable
    public record RunRequest(@Nullable String recordType) {
    }

    /** 200, "Batch executed immediately" — exactly seed 003's fields. */
    @Serdeable
    public record InlineBatchResponse(String batchId, Instant completedAt, boolean executedImmediately, int failureCount,
                                      String flowId, int recordCount, String recordType, List<RecordResult> results,
                                      String status, boolean success, int successCount) {

        static InlineBatchResponse of(BatchRun.Inline run) {
            Batch b = run.batch();
            return new InlineBatchResponse(b.id(), b.completedAt(), true, b.failedRecords(), b.flowId(), b.totalRecords(),
                    b.recordType(), run.outcomes().stream().map(RecordResult::of).toList(), b.status(),
                    b.failedRecords() == 0, b.successCount());
        }
    }

    /** One record of an inline batch; {@code executionTime} in seconds, {@code error} "" when none. */
    @Serdeable
    public record RecordResult(String recordId, @Nullable String recordName, boolean success, int contextSteps,
                               String error, String executionId, double executionTime, int promptsExecuted) {

        static RecordResult of(FlowExecutionOutcome o) {
            return new RecordResult(o.record().id(), o.record().name(), o.success(), o.contextSteps(),
                    o.error() == null ? "" : o.error(), o.executionId(), o.durationMs() / 1000.0, o.promptsExecuted());
        }
    }

    /** 202: the batch is queued; follow it at {@code GET /v1/batch/status/:batchId}. */
    @Serdeable
    public record QueuedBatchResponse(boolean success, String batchId, String flowId, String recordType, int recordCount,
                                      boolean executedImmediately, String status, int successCount, int failureCount,
                                      List<RecordResult> results) {

        static QueuedBatchResponse of(Batch b) {
            return new QueuedBatchResponse(true, b.id(), b.flowId(), b.recordType(), b.totalRecords(), false, b.status(),
                    0, 0, List.of());
        }
    }

    /** B2's status; {@code results} only when asked for ({@code includeResults=true}). */
    @Serdeable
    public record BatchStatusResponse(String batchExecutionId, String flowId, String status, int totalRecords,
                                      int processedRecords, int failedRecords, int successCount, int progress,
                                      Instant startedAt, @Nullable Instant completedAt, BigDecimal totalCostUsd,
                                      @JsonInclude(JsonInclude.Include.NON_NULL) @Nullable List<BatchRecordResult> results) {

        static BatchStatusResponse of(Batch b, @Nullable List<BatchRecordResult> results) {
            return new BatchStatusResponse(b.id(), b.flowId(), b.status(), b.totalRecords(), b.processedRecords(),
                    b.failedRecords(), b.successCount(), b.progress(), b.startedAt(), b.completedAt(), b.totalCost(),
                    results);
        }
    }

    /**
     * One record's result in a batch, in the run-result shape (reference §2.9, seed 002): status
     * {@code success} or {@code failed}; {@code recordResultId} and {@code agentExecutionId} are null here.
     */
    @Serdeable
    public record BatchRecordResult(String recordId, RecordSummary record, @Nullable String recordResultId,
                                    String executionId, String flowId, @Nullable String flowName,
                                    @Nullable String agentExecutionId, String status, @Nullable String error,
                                    Instant executedAt, @Nullable Instant failedAt, Instant createdAt) {

        static BatchRecordResult of(BatchReads.ResultRow r) {
            boolean success = "completed".equals(r.status());
            return new BatchRecordResult(r.recordId(), new RecordSummary(r.recordId(), r.recordName(), r.recordType()),
                    null, r.executionId(), r.flowId(), r.flowName(), null, success ? "success" : "failed", r.error(),
                    r.completedAt(), success ? null : r.completedAt(), r.startedAt());
        }
    }

    @Serdeable
    public record RecordSummary(String id, @Nullable String name, @Nullable String type) {
    }
}
