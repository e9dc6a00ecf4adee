package dev.runloom.schedules.schedule;

import dev.runloom.common.id.Ids;
import dev.runloom.common.problem.ProblemException;
import dev.runloom.common.tenant.Tenant;
import dev.runloom.schedules.scheduler.CronTimes;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.transaction.annotation.Transactional;
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

/**
 * Creating and reading schedules. Creation turns the nested request into the flat stored form and
 * computes the first {@code nextRunAt}; from then on only the scheduler moves it.
 *
 * <p>Targets: for now only flows over a record type ({@code flowId} + {@code recordType},
 * optionally narrowed by {@code recordIds}); agent targets answer 400 {@code unsupported_target}
 * until agents-service consumes schedule runs.
 */
@Singleton
public class ScheduleService {
    static final String DEFAULT_NAME = "Untitled schedule";
    static final String DEFAULT_TIMEZONE = "UTC";
    private static final int MAX_NAME_LENGTH = 200;
    private static final int MAX_RECORD_IDS = 10_000;

    private final ScheduleRepository schedules;
    private final CronTimes cronTimes;
    private final Clock clock;

    public ScheduleService(ScheduleRepository schedules, CronTimes cronTimes, Clock clock) {
        this.schedules = schedules;
        this.cronTimes = cronTimes;
        this.clock = clock;
    }

    @Transactional
    public Schedule create(Tenant tenant, CreateScheduleRequest request) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        CreateScheduleRequest.Target target = requireTarget(request.target());
        CreateScheduleRequest.Trigger trigger = request.trigger();
        if (trigger == null) {
            throw ProblemException.validation("trigger is required: { type: \"recurring\" | \"one-time\", cron?, timezone?, runAt? }");
        }
        TriggerType type = TriggerType.fromRequest(trigger.type()).orElseThrow(() ->
                ProblemException.validation("trigger.type must be \"recurring\" or \"one-time\""));
        String timezone = timezone(trigger.timezone());
        ZoneId zone = ZoneId.of(timezone);

        String cron = null;
        Instant runAt = null;
        Instant nextRunAt;
        if (type == TriggerType.CRON) {
            try {
                cron = cronTimes.validate(trigger.cron(), zone, now);
            } catch (IllegalArgumentException e) {
                throw ProblemException.badRequest("invalid_cron", "trigger.cron: " + e.getMessage());
            }
            nextRunAt = cronTimes.nextAfter(cron, zone, now).orElseThrow();
        } else {
            runAt = runAt(trigger.runAt(), zone, now);
            nextRunAt = runAt;
        }
        boolean enabled = request.enabled() == null || request.enabled();

        Schedule schedule = new Schedule(Ids.newId("sched"), tenant.organizationId(), tenant.userId(),
                name(request.name()), target.flowId().trim(), null, target.recordType().trim(), recordIds(target.recordIds()),
                request.inputs() == null ? Map.of() : request.inputs(), type, cron, timezone, runAt, enabled,
                request.executionOptions() == null ? Map.of() : request.executionOptions(),
                enabled ? nextRunAt : null, null, null, now, now);
        return schedules.save(schedule);
    }

    /** @throws ProblemException 404 when the schedule does not exist in the organization */
    @Transactional(readOnly = true)
    public Schedule get(String organizationId, String id) {
        return schedules.findByOrganizationIdAndId(organizationId, id)
                .orElseThrow(() -> ProblemException.notFound("Schedule", id));
    }

    private static CreateScheduleRequest.Target requireTarget(@Nullable CreateScheduleRequest.Target target) {
        if (target == null) {
            throw ProblemException.validation("target is required: { flowId, recordType, recordIds? }");
        }
        if (!isBlank(target.agentId())) {
            throw ProblemException.badRequest("unsupported_target",
                    "Agent targets are not supported yet; target a flow with target.flowId and target.recordType");
        }
        if (isBlank(target.flowId())) {
            throw ProblemException.validation("target.flowId is required");
        }
        if (isBlank(target.recordType())) {
            throw ProblemException.validation("target.recordType is required (the flow runs over the records of that type)");
        }
        return target;
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
        if (requested.stream().anyMatch(ScheduleService::isBlank)) {
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

    private static Instant runAt(@Nullable String requested, ZoneId zone, Instant now) {
        if (isBlank(requested)) {
            throw ProblemException.badRequest("invalid_run_at", "trigger.runAt is required for a one-time trigger");
        }
        Instant runAt = parseRunAt(requested.trim(), zone).truncatedTo(ChronoUnit.MILLIS);
        if (!runAt.isAfter(now)) {
            throw ProblemException.badRequest("invalid_run_at", "trigger.runAt must be in the future (now is " + now + ")");
        }
        return runAt;
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

    private static boolean isBlank(@Nullable String value) {
        return value == null || value.isBlank();
    }
}
