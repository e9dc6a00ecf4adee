package dev.runloom.governor;

import dev.runloom.models.CallGovernor;
import dev.runloom.models.CallOrigin;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.annotation.Value;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The {@link CallGovernor} every flows-service and agents-service replica shares through one
 * PostgreSQL database ({@link GovernorStore}). A call that finds no room waits — until the pause
 * ends, the next minute's token window, or one poll interval (with jitter) for a concurrency slot —
 * and asks again, up to its deadline.
 *
 * <p>If the governor's database cannot be reached, calls go ahead ungoverned (logged at most every
 * 30 s): an outage of the governor should not stop every model call of the platform.
 */
@Singleton
@Requires(property = "runloom.governor.enabled", notEquals = "false")
public class SqlGovernor implements CallGovernor {
    private static final Logger LOG = LoggerFactory.getLogger(SqlGovernor.class);
    private static final Duration MAX_DEFAULT_PAUSE = Duration.ofSeconds(60);

    private final GovernorStore store;
    private final GovernorSettings settings;
    private final String holder;
    private final Set<String> ungoverned;
    private final AtomicLong lastOutageLog = new AtomicLong();

    @Inject
    public SqlGovernor(GovernorDatabase database, GovernorSettings settings,
                       @Value("${micronaut.application.name:runloom}") String service) {
        this(new GovernorStore(database.dataSource()), settings, service + "-" + ProcessHandle.current().pid());
    }

    public SqlGovernor(GovernorStore store, GovernorSettings settings, String holder) {
        this.store = store;
        this.settings = settings;
        this.holder = holder;
        this.ungoverned = Set.copyOf(settings.getUngovernedProviders());
    }

    public GovernorStore store() {
        return store;
    }

    public GovernorSettings settings() {
        return settings;
    }

    @Override
    public boolean governs(String provider) {
        return settings.isEnabled() && !ungoverned.contains(provider);
    }

    @Override
    public Duration maxWait(CallOrigin.Priority priority) {
        return priority == CallOrigin.Priority.BATCH ? settings.getMaxWaitBatch() : settings.getMaxWaitInteractive();
    }

    @Override
    public int maxRateLimitedAttempts() {
        return settings.getMaxRateLimitedAttempts();
    }

    @Override
    public Duration defaultPause(int n) {
        long ms = settings.getDefaultPause().toMillis() << Math.min(Math.max(n - 1, 0), 10);
        return Duration.ofMillis(Math.min(ms, MAX_DEFAULT_PAUSE.toMillis()));
    }

    @Override
    public Permit acquire(CallOrigin origin, String provider, Duration holdAtMost, Instant deadline) throws InterruptedException {
        GovernorLimits limits = settings.limitsOf(provider);
        String priority = origin.priority().wire();
        while (true) {
            GovernorStore.Admission admission;
            try {
                admission = store.tryAcquire(origin.organizationId(), provider, priority, holder, limits, holdAtMost);
            } catch (SQLException | RuntimeException e) {
                outage("admit a call", e);
                return tokens -> { };
            }
            if (admission.granted()) {
                return new LeasePermit(admission.leaseId(), origin.organizationId(), provider);
            }
            Instant now = Instant.now();
            Duration wait;
            if (admission.pausedUntil() != null) {
                wait = Duration.between(admission.dbNow(), admission.pausedUntil());
            } else if (admission.nextWindow() != null) {
                wait = Duration.between(admission.dbNow(), admission.nextWindow());
            } else {
                long poll = settings.getPollInterval().toMillis();
                wait = Duration.ofMillis(poll / 2 + ThreadLocalRandom.current().nextLong(poll + 1));
            }
            if (now.plus(wait).isAfter(deadline)) {
                if (admission.pausedUntil() != null || !now.isBefore(deadline)) {
                    throw new GovernorWaitExceeded("the LLM governor did not admit the call to " + provider
                            + " in time (" + admission.reason() + (admission.pausedUntil() != null
                            ? " until " + admission.pausedUntil() : "") + ")");
                }
                wait = Duration.between(now, deadline);
            }
            LOG.trace("call of {} to {} waits {} ms: {}", origin.organizationId(), provider, wait.toMillis(), admission.reason());
            Thread.sleep(Math.max(1, wait.toMillis()));
        }
    }

    @Override
    public void pause(CallOrigin origin, String provider, Duration retryAfter) {
        try {
            store.pause(origin.organizationId(), provider, retryAfter, "429 from " + provider);
        } catch (SQLException | RuntimeException e) {
            outage("record a pause", e);
            try {
                Thread.sleep(Math.min(retryAfter.toMillis(), MAX_DEFAULT_PAUSE.toMillis()));
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void outage(String what, Exception e) {
        long now = System.currentTimeMillis();
        long last = lastOutageLog.get();
        if (now - last > 30_000 && lastOutageLog.compareAndSet(last, now)) {
            LOG.warn("the LLM governor could not {} ({}); model calls go ahead ungoverned meanwhile", what, e.toString());
        }
    }

    private final class LeasePermit implements Permit {
        private final String leaseId;
        private final String organizationId;
        private final String provider;
        private final AtomicBoolean released = new AtomicBoolean();

        LeasePermit(String leaseId, String organizationId, String provider) {
            this.leaseId = leaseId;
            this.organizationId = organizationId;
            this.provider = provider;
        }

        @Override
        public void release(long tokensUsed) {
            if (!released.compareAndSet(false, true)) {
                return;
            }
            try {
                store.release(leaseId, organizationId, provider, tokensUsed);
            } catch (SQLException | RuntimeException e) {
                outage("release a call slot (it expires on its own)", e);
            }
        }
    }
}
