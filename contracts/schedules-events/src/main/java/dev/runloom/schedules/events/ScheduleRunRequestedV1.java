package dev.runloom.schedules.events;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Topic runloom.schedules.runs.v1, key = schedule id. A schedule fired (trigger {@code cron},
 * {@code once} or {@code manual}); flows-service answers by running the flow as a batch whose
 * events carry {@code scheduleRunId} = {@code runId}.
 */
@Serdeable
public record ScheduleRunRequestedV1(String runId, String scheduleId, String organizationId, @Nullable String userId,
                                     @Nullable String flowId, @Nullable String agentId,
                                     @Nullable String recordType, @Nullable List<String> recordIds,
                                     @Nullable Map<String, Object> inputs, String trigger, Instant requestedAt) {
}
