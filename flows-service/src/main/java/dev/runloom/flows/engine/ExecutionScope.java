package dev.runloom.flows.engine;

import io.micronaut.core.annotation.Nullable;

/** On whose behalf and as part of what an execution runs. */
public record ExecutionScope(String organizationId, @Nullable String userId, @Nullable String batchId,
                             @Nullable String scheduleRunId) {
}
