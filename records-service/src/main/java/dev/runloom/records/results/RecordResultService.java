package dev.runloom.records.results;

import dev.runloom.common.tenant.Tenant;
import dev.runloom.records.record.RecordService;
import io.micronaut.transaction.annotation.Transactional;
import jakarta.inject.Singleton;

import java.util.List;

/** Reads the results of a record's flow executions. */
@Singleton
public class RecordResultService {
    private final RecordService records;
    private final RecordResultRepository results;

    public RecordResultService(RecordService records, RecordResultRepository results) {
        this.records = records;
        this.results = results;
    }

    /**
     * Without {@code includeCount} no COUNT(*) runs: one row more than the page is read to learn
     * whether another page follows, so deep pages cost what the first one costs.
     *
     * @throws dev.runloom.common.problem.ProblemException 404 when the record is not the tenant's
     */
    @Transactional(readOnly = true)
    public RecordResultSlice list(Tenant tenant, RecordResultQuery query) {
        records.requireExists(tenant, query.recordId());
        List<RecordResult> rows = results.find(tenant.organizationId(), query, query.limit() + 1, query.offset());
        boolean hasMore = rows.size() > query.limit();
        Long total = query.includeCount() ? results.count(tenant.organizationId(), query) : null;
        return new RecordResultSlice(hasMore ? rows.subList(0, query.limit()) : rows, hasMore, total);
    }

    /** @throws dev.runloom.common.problem.ProblemException 404 when the record is not the tenant's */
    @Transactional(readOnly = true)
    public RecordCosts costs(Tenant tenant, String recordId) {
        records.requireExists(tenant, recordId);
        List<RecordResultRepository.ModelTotals> models = results.costsByModel(tenant.organizationId(), recordId);
        java.math.BigDecimal total = java.math.BigDecimal.ZERO;
        long prompt = 0;
        long completion = 0;
        for (RecordResultRepository.ModelTotals model : models) {
            total = total.add(model.cost());
            prompt += model.promptTokens();
            completion += model.completionTokens();
        }
        return new RecordCosts(total, prompt + completion, prompt, completion,
                results.countExecutions(tenant.organizationId(), recordId),
                models.stream().map(m -> new RecordCosts.ModelCost(m.model(), m.cost(),
                        m.promptTokens() + m.completionTokens(), m.results())).toList());
    }

    /**
     * Removes one result of a record (it stays in flows' step results, which are that service's).
     *
     * @throws dev.runloom.common.problem.ProblemException 404 when the record or the result is not the tenant's
     */
    @Transactional
    public void delete(Tenant tenant, String recordId, String resultId) {
        records.requireExists(tenant, recordId);
        if (!results.delete(tenant.organizationId(), recordId, resultId)) {
            throw dev.runloom.common.problem.ProblemException.notFound("Record result", resultId);
        }
    }
}
