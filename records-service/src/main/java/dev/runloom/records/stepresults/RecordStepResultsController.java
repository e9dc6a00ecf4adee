package dev.runloom.records.stepresults;

import dev.runloom.common.pagination.OffsetPagination;
import dev.runloom.common.pagination.Paged;
import dev.runloom.common.pagination.QueryParams;
import dev.runloom.common.problem.ProblemException;
import dev.runloom.common.tenant.Tenant;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.serde.annotation.Serdeable;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * {@code GET /v1/records/:id/step-results} (reference §3.2 R13): the record's step results (§2.6)
 * with the flow step results' filters and offset pagination without a total (style B1).
 */
@Controller("/v1/records")
public class RecordStepResultsController {
    static final int DEFAULT_LIMIT = 25;
    static final int MAX_LIMIT = 100;
    static final int MAX_OFFSET = 100_000;
    private static final Set<String> STATUSES = Set.of("pending", "running", "completed", "failed", "skipped");
    private static final Map<String, RecordStepResultQuery.SortBy> SORTS = Arrays.stream(RecordStepResultQuery.SortBy.values())
            .collect(Collectors.toMap(RecordStepResultQuery.SortBy::parameter, Function.identity()));

    private final RecordStepResultService service;

    public RecordStepResultsController(RecordStepResultService service) {
        this.service = service;
    }

    @Get("/{id}/step-results")
    public Paged<StepResultView, OffsetPagination> list(Tenant tenant, @PathVariable String id,
                                                        @Nullable @QueryValue String flowId,
                                                        @Nullable @QueryValue String batchId,
                                                        @Nullable @QueryValue String status,
                                                        @Nullable @QueryValue String stepId,
                                                        @Nullable @QueryValue String from,
                                                        @Nullable @QueryValue String to,
                                                        @Nullable @QueryValue String sortBy,
                                                        @Nullable @QueryValue String sortOrder,
                                                        @Nullable @QueryValue String limit,
                                                        @Nullable @QueryValue String offset) {
        Instant fromInstant = QueryParams.instantParam(from, "from");
        Instant toInstant = QueryParams.instantParam(to, "to");
        if (fromInstant != null && toInstant != null && fromInstant.isAfter(toInstant)) {
            throw ProblemException.invalidParameter("from", "must not be after 'to'");
        }
        RecordStepResultQuery query = new RecordStepResultQuery(id, blankToNull(flowId), blankToNull(batchId),
                status == null || status.isBlank() ? null : QueryParams.enumParam(status, "status", STATUSES, null),
                blankToNull(stepId), fromInstant, toInstant,
                SORTS.get(QueryParams.enumParam(sortBy, "sortBy", SORTS.keySet(), "createdAt")),
                QueryParams.ascending(sortOrder, "sortOrder"),
                QueryParams.intParam(limit, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT),
                QueryParams.intParam(offset, "offset", 0, 0, MAX_OFFSET));
        List<RecordStepResult> rows = service.list(tenant, query);
        boolean hasMore = rows.size() > query.limit();
        List<StepResultView> page = rows.stream().limit(query.limit()).map(StepResultView::of).toList();
        return new Paged<>(page, new OffsetPagination(query.limit(), query.offset(), page.size(), hasMore));
    }

    private static @Nullable String blankToNull(@Nullable String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }

    /**
     * A step result as the flow step results show it (seed 001): {@code executionSessionId} is the
     * execution id; the heavy fields ({@code recordMetadata}, {@code stepConfig},
     * {@code inputVariables}, {@code resolvedPrompt}) are null here — they stay with flows-service.
     */
    @Serdeable
    public record StepResultView(String id, @Nullable String userId, String organizationId,
                                 @Nullable String batchExecutionId, String executionSessionId, String flowId,
                                 @Nullable String flowVersionId, String recordId, @Nullable String recordName,
                                 String stepId, String stepType, String stepName, int order, String status,
                                 Instant startedAt, Instant completedAt, long durationMs, @Nullable String outputPreview,
                                 Instant createdAt, @Nullable Object recordMetadata, @Nullable Object stepConfig,
                                 @Nullable Object inputVariables, @Nullable String resolvedPrompt,
                                 @Nullable String modelUsed, @Nullable Long promptTokens,
                                 @Nullable Long completionTokens, @Nullable Long totalTokens,
                                 @Nullable String estimatedCost, @Nullable String errorMessage, int retryCount) {

        static StepResultView of(RecordStepResult r) {
            return new StepResultView(r.id(), r.userId(), r.organizationId(), r.batchId(), r.executionId(), r.flowId(),
                    r.flowVersionId(), r.recordId(), r.recordName(), r.stepId(), r.stepType(), r.stepName(),
                    r.stepOrder(), r.status(), r.startedAt(), r.completedAt(), r.durationMs(), r.outputPreview(),
                    r.createdAt(), null, null, null, null, r.modelUsed(), r.promptTokens(), r.completionTokens(),
                    r.totalTokens(), decimal(r.estimatedCost()), r.errorMessage(), r.retryCount());
        }

        private static @Nullable String decimal(@Nullable BigDecimal value) {
            return value == null ? null : value.stripTrailingZeros().toPlainString();
        }
    }
}
