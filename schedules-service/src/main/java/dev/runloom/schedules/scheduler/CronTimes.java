package dev.runloom.schedules.scheduler;

import com.cronutils.model.Cron;
import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import jakarta.inject.Singleton;

import java.time.Instant;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

/**
 * 5-field UNIX cron ({@code minute hour day-of-month month day-of-week}, names such as
 * {@code MON-FRI} allowed) evaluated in an IANA time zone by cron-utils.
 *
 * <p>Fire times are wall-clock times in the schedule's zone, computed on {@link java.time.ZonedDateTime}
 * so daylight-saving changes are honoured: {@code 0 8 * * *} in America/New_York fires at 12:00Z in
 * summer and 13:00Z in winter, and an every-five-minutes expression keeps firing every five real
 * minutes through both transitions. A fixed local time that does not exist on the spring-forward day (02:30 in New
 * York) is skipped that day; one that occurs twice on the fall-back day fires once, at its first
 * occurrence, when the scheduler is on time.
 */
@Singleton
public class CronTimes {
    // CronParser only reads its definition after construction, so one instance serves all threads
    private final CronParser parser = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));

    /**
     * Checks an expression; returns it normalised (trimmed, single spaces), as it is stored.
     *
     * @throws IllegalArgumentException with a message for the client when it is not a 5-field cron
     *                                  or can never fire (e.g. {@code 0 0 30 2 *})
     */
    public String validate(String expression, ZoneId zone, Instant now) {
        String trimmed = expression == null ? "" : expression.trim().replaceAll("\\s+", " ");
        Cron cron = parse(trimmed);
        if (ExecutionTime.forCron(cron).nextExecution(now.atZone(zone)).isEmpty()) {
            throw new IllegalArgumentException("cron expression '" + trimmed + "' never fires");
        }
        return trimmed;
    }

    /** The first fire time strictly after {@code after}, or empty when the expression never fires again. */
    public Optional<Instant> nextAfter(String expression, ZoneId zone, Instant after) {
        return ExecutionTime.forCron(parse(expression))
                .nextExecution(after.atZone(zone))
                .map(next -> next.toInstant().truncatedTo(ChronoUnit.MILLIS));
    }

    /**
     * The last fire time at or before {@code at}, or empty when there is none (a missed-run check
     * under {@code missedRunPolicy skip} asks whether the most recent fire time is still recent).
     */
    public Optional<Instant> latestAtOrBefore(String expression, ZoneId zone, Instant at) {
        Instant millis = at.truncatedTo(ChronoUnit.MILLIS);
        return ExecutionTime.forCron(parse(expression))
                .lastExecution(millis.plusMillis(1).atZone(zone))
                .map(last -> last.toInstant().truncatedTo(ChronoUnit.MILLIS))
                .filter(last -> !last.isAfter(millis));
    }

    private Cron parse(String expression) {
        if (expression.isEmpty()) {
            throw new IllegalArgumentException("cron expression is empty");
        }
        try {
            return parser.parse(expression).validate();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + expression + "' is not a 5-field cron expression: " + e.getMessage(), e);
        }
    }
}
