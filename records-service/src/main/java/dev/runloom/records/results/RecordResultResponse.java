package dev.runloom.records.results;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;

import java.time.Instant;

/** A record result exactly as {@code GET /v1/records/:id/results} shows it (seed 000). */
@Serdeable
public record RecordResultResponse(String id,
                                   String recordId,
                                   @Nullable String promptId,
                                   String flowId,
                                   String status,
                                   Instant createdAt,
                                   @Nullable String promptName,
                                   @Nullable String flowName,
                                   @Nullable Object result) {

    static RecordResultResponse of(RecordResult r) {
        return new RecordResultResponse(r.id(), r.recordId(), r.promptId(), r.flowId(), r.status(), r.createdAt(),
                r.promptName(), r.flowName(), r.result());
    }
}
