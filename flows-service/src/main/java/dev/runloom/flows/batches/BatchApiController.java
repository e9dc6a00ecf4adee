package dev.runloom.flows.batches;

import dev.runloom.common.problem.ProblemException;
import dev.runloom.common.tenant.Tenant;
import dev.runloom.flows.recordsource.InvalidRecordFilterException;
import dev.runloom.flows.stepresults.StepResultController.StepResultView;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.json.JsonMapper;
import io.micronaut.serde.annotation.Serdeable;

import java.io.IOException;
import java.math.BigDecimal;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * The batch API of reference §3.6: submit (B1), summary (B3), cost (B4) and the B5 endpoints —
 * cancel, a record's cost and its step results within a batch. Status (B2) is in
 * {@link BatchController}, live progress in {@link BatchEventsController}.
 */
@Controller("/v1/batch")
public class BatchApiController {
    static final int MAX_TEXT_LENGTH = 255;
    /**
     * The filter travels to records-service in a query string: URL-encoded it must stay well inside
     * a request line (Netty's limit is 4096 characters).
     */
    static final int MAX_FILTER_ENCODED_LENGTH = 3000;
    /** "Recent" in the summary: batches started in the last day. */
    static final Duration RECENT = Duration.ofHours(24);
    static final int SUMMARY_LIMIT = 50;

    private final BatchStarter starter;
    private final BatchService batches;
    private final BatchRecordSteps steps;
    private final CancelledBatches cancelled;
    private final JsonMapper json;
    private final BatchReplayer replayer;

    public BatchApiController(BatchStarter starter, BatchService batches, BatchRecordSteps steps,
                              CancelledBatches cancelled, JsonMapper json, BatchReplayer replayer) {
        this.replayer = replayer;
        this.starter = starter;
        this.batches = batches;
        this.steps = steps;
        this.cancelled = cancelled;
        this.json = json;
    }

    /** B1: 202 {@code {batchExecutionId, status}}; always queued, whatever the number of records. */
    @Post("/flow")
    public HttpResponse<SubmitResponse> submit(Tenant tenant, @Nullable @Body SubmitRequest body) {
        BatchSubmission submission = check(body);
        try {
            Batch batch = starter.submit(tenant, submission);
            return HttpResponse.accepted().body(new SubmitResponse(batch.id(), batch.status()));
        } catch (InvalidRecordFilterException e) {
            throw ProblemException.invalidParameter("filter", "was refused by records-service: " + detail(e.getMessage()));
        }
    }

    /** B3: the organization's unfinished batches and those started in the last 24 hours (50 of each at most). */
    @Get("/summary")
    public SummaryResponse summary(Tenant tenant) {
        BatchService.BatchSummary s = batches.summary(tenant, Instant.now().minus(RECENT), SUMMARY_LIMIT);
        return new SummaryResponse(s.activeCount(), s.active().stream().map(SummaryItem::of).toList(),
                s.recent().stream().map(SummaryItem::of).toList(), s.recentCount());
    }

    /** B4. */
    @Get("/{id}/cost")
    public CostResponse cost(Tenant tenant, @PathVariable String id) {
        Batch batch = batches.status(tenant, id);
        return new CostResponse(batch.id(), batch.totalCost());
    }

    /**
     * B5 cancel: 200 with the batch's status, now {@code cancelled}; again for a cancelled batch
     * (idempotent); 409 {@code batch_finished} for a batch that finished otherwise.
     */
    @Post("/{id}/cancel")
    public BatchController.BatchStatusResponse cancel(Tenant tenant, @PathVariable String id) {
        Batch batch = batches.cancel(tenant, id);
        cancelled.cancelledHere(batch.id());
        return BatchController.BatchStatusResponse.of(batch, null);
    }

    /**
     * Replay from step N (a Runloom extension): 202 with the new batch, which re-runs the old batch's
     * records (or {@code recordIds} among them) from step {@code fromStep} (1-based; 1 runs everything
     * again) reusing the earlier steps' outputs — see {@link BatchReplayer}.
     */
    @Post("/{id}/replay")
    public HttpResponse<ReplayResponse> replay(Tenant tenant, @PathVariable String id, @Nullable @Body ReplayBody body) {
        if (body == null) {
            throw ProblemException.validation("A JSON body with fromStep (1 = the first step) is required");
        }
        if (!(body.fromStep() instanceof Number n) || n instanceof Double || n instanceof Float
                || n instanceof java.math.BigDecimal d && d.stripTrailingZeros().scale() > 0) {
            throw ProblemException.invalidParameter("fromStep", body.fromStep() == null ? "is required"
                    : "must be a whole number (1 = the first step)");
        }
        long fromStep = n.longValue();
        if (fromStep < 1 || fromStep > Integer.MAX_VALUE) {
            throw ProblemException.invalidParameter("fromStep", "must be 1 or more (1 = the first step); was " + fromStep);
        }
        LinkedHashSet<String> unique = recordIds(body.recordIds());
        String flowVersion = text(body.flowVersion(), "flowVersion");
        BatchOptions options;
        try {
            SubmitOptions o = body.options();
            options = o == null ? BatchOptions.DEFAULTS
                    : BatchOptions.of(null, o.recordConcurrency(), null, null, o.maxRetries());
        } catch (BatchOptions.InvalidBatchOptions e) {
            throw ProblemException.validation(e.getMessage().replace("executionOptions", "options"));
        }
        Batch batch = replayer.replay(tenant, id, new BatchReplayer.ReplayRequest((int) fromStep, List.copyOf(unique),
                flowVersion, options));
        return HttpResponse.accepted().body(new ReplayResponse(batch.id(), batch.status(), id, (int) fromStep,
                batch.flowVersionId(), batch.totalRecords()));
    }

    /** B5: what one record of the batch cost, by model (reference §2.14's record cost aggregation). */
    @Get("/{id}/records/{recordId}/cost")
    public RecordCostResponse recordCost(Tenant tenant, @PathVariable String id, @PathVariable String recordId) {
        BatchReads.RecordCost c = batches.recordCost(tenant, id, recordId);
        return new RecordCostResponse(id, recordId, c.totalCost(), c.totalTokens(), c.promptTokens(),
                c.completionTokens(), c.executionCount(), c.modelBreakdown());
    }

    /** B5: the step results of one record of the batch, in step order (seed 001's step result shape). */
    @Get("/{id}/records/{recordId}/steps")
    public StepsResponse recordSteps(Tenant tenant, @PathVariable String id, @PathVariable String recordId) {
        return new StepsResponse(steps.of(tenant, id, recordId));
    }

    /** {@code recordIds}: absent, or an array of at most {@link BatchSubmission#MAX_RECORD_IDS} non-empty ids (duplicates folded). */
    private static LinkedHashSet<String> recordIds(@Nullable Object value) {
        if (value != null && !(value instanceof List<?>)) {
            throw ProblemException.validation("recordIds must be an array of record ids");
        }
        List<?> ids = value == null ? List.of() : (List<?>) value;
        if (ids.size() > BatchSubmission.MAX_RECORD_IDS) {
            throw ProblemException.validation("recordIds holds " + ids.size() + " ids; at most "
                    + BatchSubmission.MAX_RECORD_IDS + " are allowed in one batch");
        }
        LinkedHashSet<String> unique = new LinkedHashSet<>();
        for (int i = 0; i < ids.size(); i++) {
            String recordId = text(ids.get(i), "recordIds[" + i + "]");
            if (recordId == null) {
                throw ProblemException.validation("recordIds[" + i + "] must be a non-empty string");
            }
            unique.add(recordId);
        }
        return unique;
    }

    private BatchSubmission check(@Nullable SubmitRequest body) {
        if (body == null) {
            throw ProblemException.validation("A JSON body with a flowId and recordIds or a recordType is required");
        }
        String flowId = text(body.flowId(), "flowId");
        if (flowId == null) {
            throw ProblemException.validation("flowId is required");
        }
        String recordType = text(body.recordType(), "recordType");
        LinkedHashSet<String> unique = recordIds(body.recordIds());
        if (unique.isEmpty() && recordType == null) {
            throw ProblemException.validation("Give recordIds (1 to " + BatchSubmission.MAX_RECORD_IDS
                    + " ids) or a recordType");
        }
        String filterJson = filterJson(body.filter());
        if (filterJson != null && !unique.isEmpty()) {
            throw ProblemException.validation("filter applies to a recordType's records; give recordIds or a filter, not both");
        }
        if (filterJson != null && recordType == null) {
            throw ProblemException.validation("filter needs a recordType");
        }
        SubmitOptions o = body.options();
        BatchOptions options;
        try {
            options = o == null ? BatchOptions.DEFAULTS
                    : BatchOptions.of(null, o.recordConcurrency(), null, null, o.maxRetries());
        } catch (BatchOptions.InvalidBatchOptions e) {
            throw ProblemException.validation(e.getMessage().replace("executionOptions", "options"));
        }
        return new BatchSubmission(flowId, List.copyOf(unique), recordType, filterJson, options);
    }

    /** Null when absent or blank; 400 when not a string, too long or not storable. */
    private static @Nullable String text(@Nullable Object given, String name) {
        if (given == null) {
            return null;
        }
        if (!(given instanceof String value)) {
            throw ProblemException.validation(name + " must be a string");
        }
        if (value.isBlank()) {
            return null;
        }
        if (value.length() > MAX_TEXT_LENGTH) {
            throw ProblemException.validation(name + " is longer than " + MAX_TEXT_LENGTH + " characters");
        }
        if (!BatchStarter.storableText(value)) {
            throw ProblemException.validation(name + " contains a NUL character or an unpaired UTF-16 surrogate");
        }
        return value;
    }

    /** The filter as records-service's {@code filter} parameter: an object (or its JSON text); null: none. */
    private @Nullable String filterJson(@Nullable Object filter) {
        if (filter == null) {
            return null;
        }
        String text;
        if (filter instanceof String s) {
            text = s.isBlank() ? null : s;
        } else if (filter instanceof Map<?, ?> map) {
            try {
                text = map.isEmpty() ? null : json.writeValueAsString(map);
            } catch (IOException e) {
                throw ProblemException.invalidParameter("filter", "could not be read: " + e.getMessage());
            }
        } else {
            throw ProblemException.validation("filter must be an object (the records list filter)");
        }
        if (text != null && URLEncoder.encode(text, StandardCharsets.UTF_8).length() > MAX_FILTER_ENCODED_LENGTH) {
            throw ProblemException.validation("filter is too long: at most " + MAX_FILTER_ENCODED_LENGTH
                    + " characters as URL-encoded JSON (about 1,000 plain ASCII characters)");
        }
        if (text != null && !BatchStarter.storableText(text)) {
            throw ProblemException.validation("filter contains a NUL character or an unpaired UTF-16 surrogate");
        }
        return text;
    }

    /** The {@code detail} of records-service's problem, or its body as it came. */
    private String detail(String problemBody) {
        try {
            Object detail = json.readValue(problemBody, Map.class).get("detail");
            return detail == null ? problemBody : detail.toString();
        } catch (IOException | RuntimeException e) {
            return problemBody;
        }
    }

    @Serdeable
    public record SubmitRequest(@Nullable Object flowId, @Nullable Object recordIds,
                                @Nullable Object recordType, @Nullable Object filter,
                                @Nullable SubmitOptions options) {
    }

    @Serdeable
    public record SubmitOptions(@Nullable Integer maxRetries, @Nullable Integer recordConcurrency) {
    }

    @Serdeable
    public record SubmitResponse(String batchExecutionId, String status) {
    }

    /** Replay: {@code fromStep} 1-based (1 = the first step); {@code recordIds} among the batch's; {@code flowVersion} a version id of the same flow. */
    @Serdeable
    public record ReplayBody(@Nullable Object fromStep, @Nullable Object recordIds, @Nullable Object flowVersion,
                             @Nullable SubmitOptions options) {
    }

    @Serdeable
    public record ReplayResponse(String batchExecutionId, String status, String replayOf, int fromStep,
                                 @Nullable String flowVersionId, int totalRecords) {
    }

    @Serdeable
    public record SummaryResponse(long activeBatches, List<SummaryItem> batches, List<SummaryItem> recent,
                                  long recentlyCompleted) {
    }

    @Serdeable
    public record SummaryItem(String id, @Nullable String flowName, String status, int progress, int totalRecords,
                              int processedRecords, int failedRecords, Instant startedAt) {
        static SummaryItem of(BatchReads.SummaryRow r) {
            return new SummaryItem(r.id(), r.flowName(), r.status(),
                    Batch.progress(r.status(), r.totalRecords(), r.processedRecords(), r.completedAt()), r.totalRecords(),
                    r.processedRecords(), r.failedRecords(), r.startedAt());
        }
    }

    @Serdeable
    public record CostResponse(String batchExecutionId, BigDecimal totalCostUsd) {
    }

    @Serdeable
    public record RecordCostResponse(String batchExecutionId, String recordId, BigDecimal totalCost,
                                     long totalTokens, long promptTokens, long completionTokens, long executionCount,
                                     List<BatchReads.ModelCost> modelBreakdown) {
    }

    @Serdeable
    public record StepsResponse(List<StepResultView> data) {
    }
}
