package dev.runloom.flows.events;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;

import java.time.Instant;

/** {@link FlowEvents#BATCH_STARTED}: topic runloom.flows.batches.v1, key = batch id. */
@Serdeable
public record BatchStartedV1(String batchId, String organizationId, String flowId, String flowName,
                             String recordType, int recordCount, boolean executedImmediately,
                             @Nullable String scheduleRunId, Instant startedAt) {
}
