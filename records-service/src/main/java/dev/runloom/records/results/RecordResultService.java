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
}
