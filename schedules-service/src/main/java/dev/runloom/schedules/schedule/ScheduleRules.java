package dev.runloom.schedules.schedule;

import dev.runloom.common.id.Ids;
import dev.runloom.common.problem.ProblemException;
import dev.runloom.common.tenant.Tenant;
import dev.runloom.schedules.scheduler.CronTimes;
import io.micronaut.core.annotation.Nullable;
import jakarta.inject.Singleton;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a schedule may be, and what each change makes of it — without a database or a peer, so the
 * API can answer every 400 before it calls flows-service or agents-service, and the transaction
 * that writes applies exactly the same rules to the row it locked.
 *
 * <ul>
 *   <li>Target: exactly one of {@code flowId} (with {@code recordType}, optionally {@code recordIds})
 *       and {@code agentId} (with {@code inputs.messages}, and no record fields).</li>
 *   <li>Trigger: {@code recurring} with a 5-field cron, or {@code one-time} with a future
 *       {@code runAt}; an IANA time zone (default UTC).</li>
 *   <li>{@code nextRunAt}: the first fire time after now when the schedule is created, its trigger
 *       changes, or it is switched back on; null while it is off. Fire times missed while it was
 *       off never run.</li>
 * </ul>
 */
@Singleton
public class ScheduleRules {
    static final String DEFAULT_NAME = "Untitled schedule";
    static final String DEFAULT_TIMEZONE = "UTC";
    static final int MAX_NAME_LENGTH = 200;
    static final int MAX_RECORD_IDS = 10_000;
    static final int MAX_MESSAGES = 500;
    private static final Set<String> ROLES = Set.of("system", "user", "assistant");

    private final CronTimes cronTimes;
    private final Clock clock;

    public ScheduleRules(CronTimes cronTimes, Clock clock) {
        this.cronTimes = cronTimes;
        this.clock = clock;
    }

    /** A schedule from a create request. @throws ProblemException 400 for anything invalid */
    public Schedule newSchedule(Tenant tenant, ScheduleRequest request) {
        Instant now = now();
        if (request.target() == null) {
            throw ProblemException.validation("target is required: { flowId | agentId, recordType?, recordIds? }");
        }
        Target target = target(null, request.target());
        if (request.trigger() == null) {
            throw ProblemException.validation(
                    "trigger is required: { type: \"recurring\" | \"one-time\", cron?, timezone?, runAt? }");
        }
        Trigger trigger = trigger(null, request.trigger(), now);
        Map<String, Object> inputs = inputs(target, request.inputs() == null ? Map.of() : request.inputs());
        boolean enabled = request.enabled() == null || request.enabled();
        return new Schedule(Ids.newId("sched"), tenant.organizationId(), tenant.userId(), name(request.name()),
                target.flowId(), target.agentId(), target.recordType(), target.recordIds(), inputs, trigger.type(),
                trigger.cron(), trigger.timezone(), trigger.runAt(), enabled,
                executionOptions(request.executionOptions(), Map.of()), missedRunPolicy(request.missedRunPolicy(),
                MissedRunPolicy.DEFAULT), enabled ? firstFire(trigger, now) : null, null, null, now, now);
    }

    /**
     * {@code current} with the parts the request gives (a partial update). A changed trigger
     * (type, cron, time zone or runAt) or switching the schedule on recomputes {@code nextRunAt}
     * from now; switching it off clears it. @throws ProblemException 400 for anything invalid
     */
    public Schedule updated(Schedule current, ScheduleRequest request) {
        Instant now = now();
        Target target = request.target() == null
                ? new Target(current.flowId(), current.agentId(), current.recordType(), current.recordIds())
                : target(current, request.target());
        Trigger was = new Trigger(current.triggerType(), current.cron(), current.timezone(), current.runAt());
        Trigger trigger = request.trigger() == null ? was : trigger(current, request.trigger(), now);
        Map<String, Object> inputs = inputs(target, request.inputs() == null ? current.inputs() : request.inputs());
        boolean enabled = request.enabled() == null ? current.enabled() : request.enabled();

        Instant nextRunAt;
        if (!enabled) {
            nextRunAt = null;
        } else if (!trigger.equals(was) || !current.enabled()) {
            if (trigger.type() == TriggerType.ONCE && !trigger.runAt().isAfter(now)) {
                throw ProblemException.badRequest("invalid_run_at", "trigger.runAt " + trigger.runAt()
                        + " has passed; give a new trigger.runAt to switch this one-time schedule on");
            }
            nextRunAt = firstFire(trigger, now);
        } else {
            nextRunAt = current.nextRunAt();
        }
        return new Schedule(current.id(), current.organizationId(), current.userId(),
                request.name() == null ? current.name() : name(request.name()), target.flowId(), target.agentId(),
                target.recordType(), target.recordIds(), inputs, trigger.type(), trigger.cron(), trigger.timezone(),
                trigger.runAt(), enabled, executionOptions(request.executionOptions(), current.executionOptions()),
                missedRunPolicy(request.missedRunPolicy(), current.missedRunPolicy()), nextRunAt, current.lastRunAt(),
                current.productSurfaceId(), current.createdAt(), now);
    }

    /** Off, with no next fire; a paused schedule stays as it is. */
    public Schedule paused(Schedule current) {
        if (!current.enabled()) {
            return current;
        }
        return withState(current, false, null, now());
    }

    /**
     * On again, next fire computed from now (what was due while paused does not run); an enabled
     * schedule stays as it is. @throws ProblemException 409 for a one-time schedule whose runAt has passed
     */
    public Schedule resumed(Schedule current) {
        if (current.enabled()) {
            return current;
        }
        Instant now = now();
        Trigger trigger = new Trigger(current.triggerType(), current.cron(), current.timezone(), current.runAt());
        if (trigger.type() == TriggerType.ONCE && !trigger.runAt().isAfter(now)) {
            throw ProblemException.conflict("run_at_passed", "This one-time schedule's runAt (" + current.runAt()
                    + ") has passed; give it a new trigger.runAt with PUT /v1/schedules/" + current.id());
        }
        return withState(current, true, firstFire(trigger, now), now);
    }

    /**
     * Only the shape of a request's target ids, for the API to check before it asks a peer whether
     * the target exists. @throws ProblemException 400 when both ids are given
     */
    public static void checkTargetIds(@Nullable ScheduleRequest.Target target) {
        if (target != null && !isBlank(target.flowId()) && !isBlank(target.agentId())) {
            throw ProblemException.validation("target must name exactly one of flowId and agentId, not both");
        }
    }

    // ---- parts --------------------------------------------------------------------------------

    private record Target(@Nullable String flowId, @Nullable String agentId, @Nullable String recordType,
                          @Nullable List<String> recordIds) {
    }

    private record Trigger(TriggerType type, @Nullable String cron, String timezone, @Nullable Instant runAt) {
    }

    /** The request's target over {@code current}'s (null on create): ids replace, record fields merge within one kind. */
    private static Target target(@Nullable Schedule current, ScheduleRequest.Target given) {
        checkTargetIds(given);
        String flowId = trimmed(given.flowId());
        String agentId = trimmed(given.agentId());
        if (flowId == null && agentId == null) {
            if (current == null) {
                throw ProblemException.validation(
                        "target must name exactly one of flowId (a flow over records) and agentId (an agent)");
            }
            flowId = current.flowId();
            agentId = current.agentId();
        }
        boolean flow = flowId != null;
        boolean sameKind = current != null && (flow ? current.flowId() != null : current.agentId() != null);
        String recordType = trimmed(given.recordType());
        List<String> recordIds = recordIds(given.recordIds());
        if (flow) {
            if (recordType == null && sameKind) {
                recordType = current.recordType();
            }
            if (given.recordIds() == null && sameKind) {
                recordIds = current.recordIds();
            }
            if (recordType == null) {
                throw ProblemException.validation(
                        "target.recordType is required for a flow target (the flow runs over the records of that type)");
            }
            return new Target(flowId, null, recordType, recordIds);
        }
        if (recordType != null || recordIds != null) {
            throw ProblemException.validation("target.recordType and target.recordIds apply to flow targets only");
        }
        return new Target(null, agentId, null, null);
    }

    /** The request's trigger over {@code current}'s (null on create), each part replacing its stored value. */
    private Trigger trigger(@Nullable Schedule current, ScheduleRequest.Trigger given, Instant now) {
        TriggerType type;
        if (given.type() == null && current != null) {
            type = current.triggerType();
        } else {
            type = TriggerType.fromRequest(given.type()).orElseThrow(() ->
                    ProblemException.validation("trigger.type must be \"recurring\" or \"one-time\""));
        }
        String timezone = isBlank(given.timezone()) && current != null ? current.timezone() : timezone(given.timezone());
        ZoneId zone = ZoneId.of(timezone);
        if (type == TriggerType.CRON) {
            String expression = given.cron() == null && current != null && current.triggerType() == TriggerType.CRON
                    ? current.cron() : given.cron();
            try {
                return new Trigger(type, cronTimes.validate(expression, zone, now), timezone, null);
            } catch (IllegalArgumentException e) {
                throw ProblemException.badRequest("invalid_cron", "trigger.cron: " + e.getMessage());
            }
        }
        Instant runAt;
        if (isBlank(given.runAt())) {
            if (current == null || current.triggerType() != TriggerType.ONCE) {
                throw ProblemException.badRequest("invalid_run_at", "trigger.runAt is required for a one-time trigger");
            }
            runAt = current.runAt();
        } else {
            runAt = parseRunAt(given.runAt().trim(), zone).truncatedTo(ChronoUnit.MILLIS);
        }
        if (!runAt.isAfter(now)) {
            throw ProblemException.badRequest("invalid_run_at", "trigger.runAt must be in the future (now is " + now + ")");
        }
        return new Trigger(type, null, timezone, runAt);
    }

    private Instant firstFire(Trigger trigger, Instant now) {
        if (trigger.type() == TriggerType.ONCE) {
            return trigger.runAt();
        }
        // validated to fire at least once after now
        return cronTimes.nextAfter(trigger.cron(), ZoneId.of(trigger.timezone()), now).orElseThrow();
    }

    /** An agent target needs the messages its run starts with: {@code inputs.messages = [{role, content}, …]}. */
    private static Map<String, Object> inputs(Target target, Map<String, Object> inputs) {
        if (target.agentId() == null) {
            return inputs;
        }
        if (!(inputs.get("messages") instanceof List<?> messages) || messages.isEmpty()) {
            throw ProblemException.validation("inputs.messages is required for an agent target: "
                    + "a non-empty list of { role: \"system\" | \"user\" | \"assistant\", content: string }");
        }
        if (messages.size() > MAX_MESSAGES) {
            throw ProblemException.validation("inputs.messages may hold at most " + MAX_MESSAGES + " messages");
        }
        for (int i = 0; i < messages.size(); i++) {
            if (!(messages.get(i) instanceof Map<?, ?> message) || !(message.get("role") instanceof String role)
                    || !ROLES.contains(role) || !(message.get("content") instanceof String)) {
                throw ProblemException.validation("inputs.messages[" + i
                        + "] must be { role: \"system\" | \"user\" | \"assistant\", content: string }");
            }
        }
        return inputs;
    }

    private static Map<String, Object> executionOptions(@Nullable Map<String, Object> given, Map<String, Object> current) {
        return given == null ? current : ExecutionOptions.validate(given);
    }

    private static MissedRunPolicy missedRunPolicy(@Nullable String given, MissedRunPolicy current) {
        if (given == null) {
            return current;
        }
        return MissedRunPolicy.fromRequest(given).orElseThrow(() ->
                ProblemException.validation("missedRunPolicy must be \"fire_once\" or \"skip\""));
    }

    private static Schedule withState(Schedule s, boolean enabled, @Nullable Instant nextRunAt, Instant now) {
        return new Schedule(s.id(), s.organizationId(), s.userId(), s.name(), s.flowId(), s.agentId(), s.recordType(),
                s.recordIds(), s.inputs(), s.triggerType(), s.cron(), s.timezone(), s.runAt(), enabled,
                s.executionOptions(), s.missedRunPolicy(), nextRunAt, s.lastRunAt(), s.productSurfaceId(),
                s.createdAt(), now);
    }

    private static String name(@Nullable String requested) {
        if (isBlank(requested)) {
            return DEFAULT_NAME;
        }
        String name = requested.trim();
        if (name.length() > MAX_NAME_LENGTH) {
            throw ProblemException.validation("name must be at most " + MAX_NAME_LENGTH + " characters");
        }
        return name;
    }

    private static @Nullable List<String> recordIds(@Nullable List<String> requested) {
        if (requested == null) {
            return null;
        }
        if (requested.size() > MAX_RECORD_IDS) {
            throw ProblemException.validation("target.recordIds may hold at most " + MAX_RECORD_IDS + " ids");
        }
        if (requested.stream().anyMatch(ScheduleRules::isBlank)) {
            throw ProblemException.validation("target.recordIds must not contain empty ids");
        }
        return requested.stream().map(String::trim).distinct().toList();
    }

    /** IANA region ids only ("America/New_York", "UTC", "Etc/GMT+5"), not bare offsets like "+02:00". */
    private static String timezone(@Nullable String requested) {
        if (isBlank(requested)) {
            return DEFAULT_TIMEZONE;
        }
        String timezone = requested.trim();
        if (!ZoneId.getAvailableZoneIds().contains(timezone)) {
            throw ProblemException.badRequest("invalid_timezone",
                    "trigger.timezone '" + timezone + "' is not an IANA time zone such as America/New_York");
        }
        return timezone;
    }

    private static Instant parseRunAt(String raw, ZoneId zone) {
        try {
            return OffsetDateTime.parse(raw).toInstant();
        } catch (DateTimeParseException withoutOffset) {
            try {
                return LocalDateTime.parse(raw).atZone(zone).toInstant();
            } catch (DateTimeParseException e) {
                throw ProblemException.badRequest("invalid_run_at",
                        "trigger.runAt must be an ISO-8601 date-time such as 2026-06-10T15:45:00Z");
            }
        }
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }

    private static @Nullable String trimmed(@Nullable String value) {
        return isBlank(value) ? null : value.trim();
    }

    static boolean isBlank(@Nullable String value) {
        return value == null || value.isBlank();
    }
}
