package dev.runloom.schedules.scheduler;

import io.micronaut.context.annotation.Requires;
import io.micronaut.scheduling.annotation.Scheduled;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The background scheduler: every {@code runloom.scheduler.poll-interval} (default 250 ms, so a fire starts within a quarter second of its time) it fires
 * what is due, draining a backlog larger than one batch before it sleeps again; each batch is one
 * transaction ({@link ScheduleFirer#fireDue} is {@code @Transactional}). Safe to run on
 * every replica ({@link ScheduleFirer} never fires one fire time twice); set
 * {@code runloom.scheduler.enabled=false} where it should not run.
 */
@Singleton
@Requires(property = "runloom.scheduler.enabled", notEquals = "false")
public class SchedulerLoop {
    private static final Logger LOG = LoggerFactory.getLogger(SchedulerLoop.class);

    private final ScheduleFirer firer;
    private final SchedulerSettings settings;
    private final AtomicLong completedTicks = new AtomicLong();

    public SchedulerLoop(ScheduleFirer firer, SchedulerSettings settings) {
        this.firer = firer;
        this.settings = settings;
    }

    @Scheduled(fixedDelay = "${runloom.scheduler.poll-interval:1s}", initialDelay = "${runloom.scheduler.poll-interval:1s}")
    void tick() {
        try {
            while (firer.fireDue(settings.batchSize()) >= settings.batchSize()) {
                LOG.debug("more schedules due than one batch; firing the next batch");
            }
        } catch (RuntimeException e) {
            // the database may be briefly unavailable; nothing was half-done, the next tick retries
            LOG.warn("scheduler tick failed; will retry: {}", e.toString());
        } finally {
            completedTicks.incrementAndGet();
        }
    }

    /** Ticks finished so far: lets a test wait for the loop to have looked at a new time. */
    public long completedTicks() {
        return completedTicks.get();
    }
}
