package dev.runloom.schedules.schedule;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The schedule object of §2.8: every key always present, the nullable ones as null, plus
 * {@code missedRunPolicy} ({@code fire_once} / {@code skip}), which the reference does not know.
 */
@Serdeable
public record ScheduleResponse(String id,
                               String name,
                               @Nullable String flowId,
                               @Nullable String agentId,
                               @Nullable String recordType,
                               @Nullable List<String> recordIds,
                               Map<String, Object> inputs,
                               String triggerType,
                               @Nullable String cron,
                               String timezone,
                               @Nullable Instant runAt,
                               boolean enabled,
                               Map<String, Object> executionOptions,
                               String missedRunPolicy,
                               @Nullable Instant nextRunAt,
                               @Nullable Instant lastRunAt,
                               @Nullable String productSurfaceId,
                               String organizationId,
                               @Nullable String userId,
                               Instant createdAt,
                               Instant updatedAt) {

    public static ScheduleResponse from(Schedule s) {
        return new ScheduleResponse(s.id(), s.name(), s.flowId(), s.agentId(), s.recordType(), s.recordIds(),
                s.inputs(), s.triggerType().stored(), s.cron(), s.timezone(), s.runAt(), s.enabled(),
                s.executionOptions(), s.missedRunPolicy().stored(), s.nextRunAt(), s.lastRunAt(), s.productSurfaceId(), s.organizationId(),
                s.userId(), s.createdAt(), s.updatedAt());
    }
}
