package dev.runloom.flows.stepresults;

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

/** {@code GET /v1/flows/:id/step-results}: seed 001, offset pagination without a total (style B1). */
@Controller("/v1/flows/{id}/step-results")
public class StepResultController {
    static final int DEFAULT_LIMIT = 25;
    static final int MAX_LIMIT = 100;
    static final int MAX_OFFSET = 100_000;
    private static final Set<String> STATUSES = Set.of("pending", "running", StepResult.COMPLETED, StepResult.FAILED,
            StepResult.SKIPPED);
    private static final Map<String, StepResultQuery.SortBy> SORTS = Arrays.stream(StepResultQuery.SortBy.values())
            .collect(Collectors.toMap(StepResultQuery.SortBy::parameter, Function.identity()));

    private final StepResultService service;

    public StepResultController(StepResultService service) {
        this.service = service;
    }

    @Get
    public Paged<StepResultView, OffsetPagination> list(Tenant tenant, @PathVariable String id,
                                                        @Nullable @QueryValue String recordId,
                                                        @Nullable @QueryValue String batchId,
                                                        @Nullable @QueryValue String status,
                                                        @Nullable @QueryValue String stepId,
                                                        @Nullable @QueryValue String from,
                                                        @Nullable @QueryValue String to,
                                                        @Nullable @QueryValue String sortBy,
                                                        @Nullable @QueryValue String sortOrder,
                                                        @Nullable @QueryValue String limit,
                                                        @Nullable @QueryValue String offset,
                                                        @Nullable @QueryValue String includeDetails) {
        Instant fromInstant = QueryParams.instantParam(from, "from");
        Instant toInstant = QueryParams.instantParam(to, "to");
        if (fromInstant != null && toInstant != null && fromInstant.isAfter(toInstant)) {
            throw ProblemException.invalidParameter("from", "must not be after 'to'");
        }
        StepResultQuery query = new StepResultQuery(blankToNull(recordId), blankToNull(batchId),
                status == null || status.isBlank() ? null : QueryParams.enumParam(status, "status", STATUSES, null),
                blankToNull(stepId), fromInstant, toInstant,
                SORTS.get(QueryParams.enumParam(sortBy, "sortBy", SORTS.keySet(), "createdAt")),
                QueryParams.ascending(sortOrder, "sortOrder"),
                QueryParams.intParam(limit, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT),
                QueryParams.intParam(offset, "offset", 0, 0, MAX_OFFSET),
                QueryParams.boolParam(includeDetails, "includeDetails", false));
        List<StepResult> rows = service.list(tenant, id, query);
        boolean hasMore = rows.size() > query.limit();
        List<StepResultView> page = rows.stream().limit(query.limit()).map(StepResultView::of).toList();
        return new Paged<>(page, new OffsetPagination(query.limit(), query.offset(), page.size(), hasMore));
    }

    private static @Nullable String blankToNull(@Nullable String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }

    /**
     * A step result as seed 001 shows it. {@code executionSessionId} is the execution id;
     * {@code recordMetadata}, {@code stepConfig} and {@code inputVariables} are null as in the seed's
     * listing unless {@code includeDetails=true} asks for them (they are the heavy part of a row).
     */
    @Serdeable
    public record StepResultView(String id, @Nullable String userId, String organizationId,
                                 @Nullable String batchExecutionId, String executionSessionId, String flowId,
                                 String flowVersionId, String recordId, @Nullable String recordName, String stepId,
                                 String stepType, String stepName, int order, String status, Instant startedAt,
                                 Instant completedAt, long durationMs, @Nullable String outputPreview,
                                 Instant createdAt, @Nullable Object recordMetadata, @Nullable Object stepConfig,
                                 @Nullable Object inputVariables, @Nullable String resolvedPrompt,
                                 @Nullable String modelUsed, @Nullable Long promptTokens,
                                 @Nullable Long completionTokens, @Nullable Long totalTokens,
                                 @Nullable String estimatedCost, @Nullable String errorMessage, int retryCount) {

        public static StepResultView of(StepResult r) {
            return new StepResultView(r.id(), r.userId(), r.organizationId(), r.batchId(), r.executionId(), r.flowId(),
                    r.flowVersionId(), r.recordId(), r.recordName(), r.stepId(), r.stepType(), r.stepName(), r.stepOrder(),
                    r.status(), r.startedAt(), r.completedAt(), r.durationMs(), r.outputPreview(), r.createdAt(),
                    r.recordMetadata(), r.stepConfig(), r.inputVariables(), r.resolvedPrompt(), r.modelUsed(), r.promptTokens(), r.completionTokens(),
                    r.totalTokens(), decimalString(r.estimatedCost()), r.errorMessage(), r.retryCount());
        }

        private static @Nullable String decimalString(@Nullable BigDecimal value) {
            return value == null ? null : value.stripTrailingZeros().toPlainString();
        }
    }
}
