package dev.runloom.schedules.schedule;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;
import io.micronaut.data.annotation.TypeDef;
import io.micronaut.data.model.DataType;

import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;

/**
 * A stored schedule (table {@code schedules}): what to run (a flow over the records of a type,
 * optionally narrowed to {@code recordIds}, or an agent with {@code inputs.messages}; exactly one of
 * {@code flowId} and {@code agentId} is set), when ({@code cron} in {@code timezone}, or once at
 * {@code runAt}), what to do with missed fire times ({@code missedRunPolicy}), and the scheduler's
 * bookkeeping ({@code nextRunAt} is null when nothing is due any more or it is paused).
 */
@MappedEntity("schedules")
public record Schedule(@Id String id,
                       String organizationId,
                       @Nullable String userId,
                       String name,
                       @Nullable String flowId,
                       @Nullable String agentId,
                       @Nullable String recordType,
                       @Nullable @TypeDef(type = DataType.STRING_ARRAY) List<String> recordIds,
                       @TypeDef(type = DataType.JSON) Map<String, Object> inputs,
                       @TypeDef(type = DataType.STRING, converter = TriggerTypeConverter.class) TriggerType triggerType,
                       @Nullable String cron,
                       String timezone,
                       @Nullable Instant runAt,
                       boolean enabled,
                       @TypeDef(type = DataType.JSON) Map<String, Object> executionOptions,
                       @TypeDef(type = DataType.STRING, converter = MissedRunPolicyConverter.class)
                       MissedRunPolicy missedRunPolicy,
                       @Nullable Instant nextRunAt,
                       @Nullable Instant lastRunAt,
                       @Nullable String productSurfaceId,
                       Instant createdAt,
                       Instant updatedAt) {

    public ZoneId zone() {
        return ZoneId.of(timezone);
    }

    public boolean targetsAgent() {
        return agentId != null;
    }
}
