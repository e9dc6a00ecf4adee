package dev.runloom.common.events.contracts;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;

import java.time.Instant;

/** Topic runloom.flows.batches.v1, key = batch id. */
@Serdeable
public record BatchStartedV1(String batchId, String organizationId, String flowId, String flowName,
                             String recordType, int recordCount, boolean executedImmediately,
                             @Nullable String scheduleRunId, Instant startedAt) {
}
