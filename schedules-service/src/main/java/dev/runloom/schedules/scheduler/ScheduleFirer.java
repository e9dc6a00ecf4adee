package dev.runloom.schedules.scheduler;

import dev.runloom.common.id.Ids;
import dev.runloom.common.problem.ProblemException;
import dev.runloom.kernel.events.OutgoingEvent;
import dev.runloom.kernel.outbox.Outbox;
import dev.runloom.schedules.events.ScheduleEvents;
import dev.runloom.schedules.events.ScheduleRunRequestedV1;
import dev.runloom.schedules.runs.ScheduleRun;
import dev.runloom.schedules.runs.ScheduleRunRepository;
import dev.runloom.schedules.schedule.ExecutionOptions;
import dev.runloom.schedules.schedule.MissedRunPolicy;
import dev.runloom.schedules.schedule.Schedule;
import dev.runloom.schedules.schedule.ScheduleAdvance;
import dev.runloom.schedules.schedule.ScheduleRepository;
import dev.runloom.schedules.schedule.TriggerType;
import io.micronaut.transaction.annotation.Transactional;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Fires schedules: claims the due ones and, in the same transaction, records a run, moves
 * {@code next_run_at}, and appends {@code ScheduleRunRequestedV1} to the outbox — so a fire is
 * either entirely done (and announced after commit) or not at all. The request carries the id the
 * target's service must give its batch ({@code batchId}, flow targets) or execution
 * ({@code agentExecutionId}, agent targets), minted here and stored on the run, so the run knows it
 * at once and a redelivered request cannot start a second one; and the schedule's {@code inputs}
 * and {@code executionOptions}.
 *
 * <p><b>No double fires.</b> Due schedules are claimed with {@code FOR UPDATE SKIP LOCKED}: any
 * number of scheduler replicas may call {@link #fireDue} at once; each schedule's fire time is
 * taken by exactly one of them, because the winner moves {@code next_run_at} past now before it
 * commits. A unique index on (schedule, fire time) backs this up.
 *
 * <p><b>Missed runs.</b> A fire time found due more than {@code runloom.scheduler.missed-run-grace}
 * ago was missed (the scheduler was down, or behind). Under {@code missedRunPolicy fire_once} (the
 * default) the schedule fires <em>once</em>, for its oldest missed fire time ({@code scheduledFor});
 * under {@code skip} one {@code skipped} run records the miss, and only a fire time still within the
 * grace runs. Either way {@code next_run_at} then moves to the first fire time after now. No
 * catch-up storm: a schedule that runs a flow over thousands of records every five minutes must not
 * start a dozen copies after an hour's outage. A one-time schedule switches off after its fire
 * (or its skipped miss).
 *
 * <p><b>No overlapping runs.</b> If the schedule's previous run is still pending or running, the
 * fire is recorded as a {@code skipped} run ("previous run still running") and no event is sent;
 * the schedule still advances. A run stuck active for longer than
 * {@code runloom.scheduler.stuck-run-timeout} no longer blocks, so a lost completion event cannot
 * stall a schedule forever. Manual runs ({@link #fireNow}) are explicit requests and always run,
 * paused schedule or not.
 *
 * <p>All times come from the injected {@link Clock}. Each public method is one transaction of its
 * own ({@code @Transactional}): {@link SchedulerLoop} and the run-now endpoint call them on this bean.
 */
@Singleton
public class ScheduleFirer {
    private static final Logger LOG = LoggerFactory.getLogger(ScheduleFirer.class);

    private final ScheduleRepository schedules;
    private final ScheduleRunRepository runs;
    private final Outbox outbox;
    private final CronTimes cronTimes;
    private final Clock clock;
    private final SchedulerSettings settings;

    public ScheduleFirer(ScheduleRepository schedules, ScheduleRunRepository runs, Outbox outbox, CronTimes cronTimes,
                         Clock clock, SchedulerSettings settings) {
        this.schedules = schedules;
        this.runs = runs;
        this.outbox = outbox;
        this.cronTimes = cronTimes;
        this.clock = clock;
        this.settings = settings;
    }

    /** Fires up to {@code batchSize} due schedules in one transaction; returns how many it claimed. */
    @Transactional
    public int fireDue(int batchSize) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        List<Schedule> due = schedules.claimDue(now, batchSize);
        if (due.isEmpty()) {
            return 0;
        }
        Set<String> busy = runs.schedulesWithActiveRun(due.stream().map(Schedule::id).toList(),
                now.minus(settings.stuckRunTimeout()));
        Instant missedBefore = now.minus(settings.missedRunGrace());
        List<ScheduleRun> recorded = new ArrayList<>(due.size());
        List<ScheduleAdvance> advances = new ArrayList<>(due.size());
        List<OutgoingEvent> events = new ArrayList<>(due.size());
        for (Schedule schedule : due) {
            String trigger = schedule.triggerType().stored();
            Instant fireTime = schedule.nextRunAt();
            if (schedule.missedRunPolicy() == MissedRunPolicy.SKIP && fireTime.isBefore(missedBefore)) {
                recorded.add(ScheduleRun.skipped(Ids.newId("run"), schedule.id(), schedule.organizationId(), trigger,
                        schedule.flowId(), schedule.agentId(), fireTime, now, ScheduleRun.MISSED_ERROR));
                fireTime = recentFireTime(schedule, fireTime, missedBefore, now);
            }
            Instant lastRunAt = null;
            if (fireTime != null) {
                if (busy.contains(schedule.id())) {
                    recorded.add(ScheduleRun.skipped(Ids.newId("run"), schedule.id(), schedule.organizationId(),
                            trigger, schedule.flowId(), schedule.agentId(), fireTime, now, ScheduleRun.OVERLAP_ERROR));
                } else {
                    ScheduleRun run = requested(schedule, trigger, fireTime, now);
                    recorded.add(run);
                    events.add(runRequested(schedule, run, now));
                    lastRunAt = now;
                }
            }
            advances.add(afterFire(schedule, now, lastRunAt));
        }
        runs.insertAll(recorded);
        schedules.advance(advances);
        outbox.appendAll(events);
        LOG.debug("claimed {} due schedules, {} runs requested", due.size(), events.size());
        return due.size();
    }

    /** Manual trigger: a run now, exactly like a scheduled fire, leaving the schedule's next fire time alone. */
    @Transactional
    public ScheduleRun fireNow(String organizationId, String scheduleId) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        Schedule schedule = schedules.findByOrganizationIdAndIdForUpdate(organizationId, scheduleId)
                .orElseThrow(() -> ProblemException.notFound("Schedule", scheduleId));
        ScheduleRun run = requested(schedule, ScheduleRun.TRIGGER_MANUAL, now, now);
        runs.insertAll(List.of(run));
        schedules.advance(List.of(new ScheduleAdvance(schedule.id(), schedule.nextRunAt(), schedule.enabled(), now)));
        outbox.append(runRequested(schedule, run, now));
        return run;
    }

    /** A pending run with the id its batch (flow target) or agent execution (agent target) will have. */
    private static ScheduleRun requested(Schedule schedule, String trigger, Instant fireTime, Instant now) {
        boolean agent = schedule.targetsAgent();
        return ScheduleRun.pending(Ids.newId("run"), schedule.id(), schedule.organizationId(), trigger,
                schedule.flowId(), schedule.agentId(), agent ? null : Ids.newId("batch"),
                agent ? Ids.newId("exec") : null, fireTime, now);
    }

    /**
     * Under {@code skip}: the schedule's latest fire time if it is still within the grace (and not
     * the missed one itself), else null — nothing runs.
     */
    private Instant recentFireTime(Schedule schedule, Instant missed, Instant missedBefore, Instant now) {
        if (schedule.triggerType() == TriggerType.ONCE) {
            return null;
        }
        try {
            return cronTimes.latestAtOrBefore(schedule.cron(), schedule.zone(), now)
                    .filter(latest -> latest.isAfter(missed) && !latest.isBefore(missedBefore))
                    .orElse(null);
        } catch (RuntimeException e) {
            LOG.error("schedule {}: cannot compute the latest fire time of '{}' in {}", schedule.id(), schedule.cron(),
                    schedule.timezone(), e);
            return null;
        }
    }

    private ScheduleAdvance afterFire(Schedule schedule, Instant now, Instant lastRunAt) {
        if (schedule.triggerType() == TriggerType.ONCE) {
            return new ScheduleAdvance(schedule.id(), null, false, lastRunAt);
        }
        try {
            Optional<Instant> next = cronTimes.nextAfter(schedule.cron(), schedule.zone(), now);
            return new ScheduleAdvance(schedule.id(), next.orElse(null), true, lastRunAt);
        } catch (RuntimeException e) {
            // validated at creation, so only a changed time-zone database gets here; one broken
            // schedule must not roll back (and so block) the fires of every other one
            LOG.error("schedule {}: cannot compute the next fire time of '{}' in {}; disabling it",
                    schedule.id(), schedule.cron(), schedule.timezone(), e);
            return new ScheduleAdvance(schedule.id(), null, false, lastRunAt);
        }
    }

    private static OutgoingEvent runRequested(Schedule schedule, ScheduleRun run, Instant now) {
        ScheduleRunRequestedV1 payload = new ScheduleRunRequestedV1(run.id(), schedule.id(), schedule.organizationId(),
                schedule.userId(), schedule.flowId(), schedule.agentId(), schedule.recordType(), schedule.recordIds(),
                schedule.inputs(), run.trigger(), now, run.batchExecutionId(), run.agentExecutionId(),
                ExecutionOptions.toEvent(schedule.executionOptions()));
        return OutgoingEvent.of(ScheduleEvents.RUN_REQUESTED, schedule.id(), schedule.id(), schedule.organizationId(),
                payload);
    }
}
