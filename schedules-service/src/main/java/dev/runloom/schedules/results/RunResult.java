package dev.runloom.schedules.results;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;

import java.time.Instant;

/**
 * What one record's flow execution in a schedule run produced (table {@code schedule_run_results}).
 * {@code status} is {@code success} or {@code failed}; {@code recordResultId} is the record result
 * (reference §2.3) of the execution's last prompt step; {@code createdAt} is when the execution
 * began, {@code executedAt} when it finished, {@code failedAt} the same instant when it failed.
 *
 * <p>The table's key is (run_id, execution_id); {@code executionId} is the entity's {@code @Id}
 * because an execution id is minted once per record execution by flows-service and so names one
 * row on its own. The projection only inserts (in bulk, {@link RunResultRepository#insertAll}) and
 * reads rows, never loads or updates one by id.
 */
@MappedEntity("schedule_run_results")
public record RunResult(String runId,
                        @Id String executionId,
                        String organizationId,
                        String recordId,
                        @Nullable String recordName,
                        @Nullable String recordType,
                        @Nullable String recordResultId,
                        String flowId,
                        @Nullable String flowName,
                        @Nullable String agentExecutionId,
                        String status,
                        @Nullable String error,
                        Instant executedAt,
                        @Nullable Instant failedAt,
                        Instant createdAt) {

    public static final String SUCCESS = "success";
    public static final String FAILED = "failed";
}
