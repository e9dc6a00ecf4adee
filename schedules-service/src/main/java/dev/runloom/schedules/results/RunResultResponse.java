package dev.runloom.schedules.results;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;

import java.time.Instant;

/** A per-record run result exactly as seed 002 shows it. */
@Serdeable
public record RunResultResponse(String recordId,
                                RecordSummary record,
                                @Nullable String recordResultId,
                                String flowId,
                                @Nullable String flowName,
                                @Nullable String agentExecutionId,
                                String status,
                                @Nullable String error,
                                Instant executedAt,
                                @Nullable Instant failedAt,
                                Instant createdAt) {

    @Serdeable
    public record RecordSummary(String id, @Nullable String name, @Nullable String type) {
    }

    public static RunResultResponse from(RunResult r) {
        return new RunResultResponse(r.recordId(), new RecordSummary(r.recordId(), r.recordName(), r.recordType()),
                r.recordResultId(), r.flowId(), r.flowName(), r.agentExecutionId(), r.status(), r.error(),
                r.executedAt(), r.failedAt(), r.createdAt());
    }
}
