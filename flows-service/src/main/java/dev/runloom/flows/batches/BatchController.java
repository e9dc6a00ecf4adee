package dev.runloom.flows.batches;

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
import io.micronaut.serde.annotation.Serdeable;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

/** {@code POST /v1/flows/:id/run-on-record-type} (seed 003) and {@code GET /v1/batch/status/:id}. */
@Controller
public class BatchController {
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

    @Get("/v1/batch/status/{id}")
    public BatchStatusResponse status(Tenant tenant, @PathVariable String id) {
        return BatchStatusResponse.of(batches.status(tenant, id));
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

    @Serdeable
    public record BatchStatusResponse(String batchExecutionId, String flowId, String status, int totalRecords,
                                      int processedRecords, int failedRecords, int successCount, int progress,
                                      Instant startedAt, @Nullable Instant completedAt, BigDecimal totalCostUsd) {

        static BatchStatusResponse of(Batch b) {
            return new BatchStatusResponse(b.id(), b.flowId(), b.status(), b.totalRecords(), b.processedRecords(),
                    b.failedRecords(), b.successCount(), b.progress(), b.startedAt(), b.completedAt(), b.totalCost());
        }
    }
}
