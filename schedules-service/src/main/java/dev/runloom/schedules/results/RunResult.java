package dev.runloom.schedules.results;

import io.micronaut.core.annotation.Nullable;

import java.time.Instant;

/**
 * What one record's flow execution in a schedule run produced. {@code status} is {@code success}
 * or {@code failed}; {@code recordResultId} is the record result (reference §2.3) of the
 * execution's last prompt step; {@code createdAt} is when the execution began, {@code executedAt}
 * when it finished, {@code failedAt} the same instant when it failed.
 */
public record RunResult(String runId,
                        String executionId,
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
