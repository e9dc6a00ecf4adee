package dev.runloom.schedules.schedules;

import io.micronaut.core.annotation.Nullable;

import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;

/**
 * A stored schedule: what to run (a flow over the records of a type, optionally narrowed to
 * {@code recordIds}), when ({@code cron} in {@code timezone}, or once at {@code runAt}), and the
 * scheduler's bookkeeping ({@code nextRunAt} is null when nothing is due any more or it is paused).
 */
public record Schedule(String id,
                       String organizationId,
                       @Nullable String userId,
                       String name,
                       @Nullable String flowId,
                       @Nullable String agentId,
                       @Nullable String recordType,
                       @Nullable List<String> recordIds,
                       Map<String, Object> inputs,
                       TriggerType triggerType,
                       @Nullable String cron,
                       String timezone,
                       @Nullable Instant runAt,
                       boolean enabled,
                       Map<String, Object> executionOptions,
                       @Nullable Instant nextRunAt,
                       @Nullable Instant lastRunAt,
                       @Nullable String productSurfaceId,
                       Instant createdAt,
                       Instant updatedAt) {

    public ZoneId zone() {
        return ZoneId.of(timezone);
    }
}
