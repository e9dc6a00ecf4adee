package dev.runloom.records.stepresults;

import dev.runloom.common.tenant.Tenant;
import dev.runloom.records.record.RecordService;
import io.micronaut.transaction.annotation.Transactional;
import jakarta.inject.Singleton;

import java.util.List;

/** Reads a record's step results. */
@Singleton
public class RecordStepResultService {
    private final RecordService records;
    private final RecordStepResultRepository steps;

    public RecordStepResultService(RecordService records, RecordStepResultRepository steps) {
        this.records = records;
        this.steps = steps;
    }

    /**
     * @return up to {@code limit + 1} rows (the extra one says another page follows)
     * @throws dev.runloom.common.problem.ProblemException 404 when the record is not the tenant's
     */
    @Transactional(readOnly = true)
    public List<RecordStepResult> list(Tenant tenant, RecordStepResultQuery query) {
        records.requireExists(tenant, query.recordId());
        return steps.find(tenant.organizationId(), query);
    }
}
