package dev.runloom.schedules.schedule;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;

import java.util.List;
import java.util.Map;

/**
 * {@code POST /v1/schedules} and {@code PUT /v1/schedules/:id} body, nested as in the reference's
 * example (§2.8, Q8). Everything is nullable here so a missing part answers a problem naming it
 * rather than a generic binding error; {@link ScheduleRules} validates (on create the target and
 * trigger are required; on update every part is optional and only what is given changes).
 */
@Serdeable
public record ScheduleRequest(@Nullable String name,
                              @Nullable Target target,
                              @Nullable Trigger trigger,
                              @Nullable Map<String, Object> inputs,
                              @Nullable Map<String, Object> executionOptions,
                              @Nullable Boolean enabled,
                              @Nullable String missedRunPolicy) {

    /**
     * What to run: exactly one of a flow ({@code flowId}) over the records of {@code recordType}
     * (optionally only {@code recordIds}), or an agent ({@code agentId}) fed {@code inputs.messages}.
     */
    @Serdeable
    public record Target(@Nullable String flowId, @Nullable String recordType, @Nullable List<String> recordIds,
                         @Nullable String agentId) {
    }

    /**
     * When: {@code recurring} with a 5-field {@code cron}, or {@code one-time} at {@code runAt}
     * (ISO-8601; without an offset it is a local time in {@code timezone}), zone default UTC.
     */
    @Serdeable
    public record Trigger(@Nullable String type, @Nullable String cron, @Nullable String timezone,
                          @Nullable String runAt) {
    }
}
