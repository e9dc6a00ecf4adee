package dev.runloom.schedules;

import dev.runloom.common.tenant.Tenant;
import dev.runloom.schedules.scheduler.ScheduleFirer;
import dev.runloom.schedules.scheduler.SchedulerLoop;
import dev.runloom.testsupport.ApiClient;
import dev.runloom.testsupport.Poll;
import dev.runloom.testsupport.ServiceTest;
import io.micronaut.context.ApplicationContext;
import io.micronaut.http.HttpRequest;
import io.micronaut.test.annotation.MockBean;
import io.micronaut.test.support.TestPropertyProvider;
import io.micronaut.transaction.TransactionOperations;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static dev.runloom.testsupport.TestTenants.ORG_A;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The scheduler against a clock the tests move: fires when the clock passes a fire time and not
 * before, advances across daylight-saving changes both ways, fires a missed window once (or skips
 * it, per the schedule's missed-run policy), switches one-time schedules (flow or agent) off, skips
 * overlapping runs, never fires a paused or deleted schedule, and — with two more scheduler
 * instances racing the background loop from several threads — never fires one fire time twice.
 */
@ServiceTest("schedules")
class SchedulerTest implements TestPropertyProvider {
    private final MutableClock time = new MutableClock(Instant.parse("2026-06-01T00:00:00Z"));

    @Inject ApiClient<Tenant> api;
    @Inject ApplicationContext context;
    @Inject TransactionOperations<Connection> transactions;
    @Inject SchedulerLoop loop;

    private final FakeTargetServices targets = new FakeTargetServices().flows(ORG_A, "flow_1").agents(ORG_A, "agent_1");

    @MockBean(Clock.class)
    Clock clock() {
        return time;
    }

    @Override
    public Map<String, String> getProperties() {
        Map<String, String> properties = new HashMap<>(targets.serviceProperties());
        properties.put("runloom.scheduler.poll-interval", "50ms");
        // the tests count the events the scheduler appended: they stay in the outbox (a relay deletes what it sends)
        properties.put("runloom.outbox.relay.autostart", "false");
        return properties;
    }

    @AfterAll
    void stopFake() {
        targets.close();
    }

    @Test
    void firesWhenTheClockPassesTheFireTimeAndNotBefore() throws Exception {
        startAt(Instant.parse("2026-06-10T14:01:00Z"));
        String id = create("*/5 * * * *", "America/New_York");
        assertThat(schedule(id)).containsEntry("nextRunAt", "2026-06-10T14:05:00Z");

        time.set(Instant.parse("2026-06-10T14:04:59.999Z"));
        awaitTicks(3);
        assertThat(runs(id)).isEmpty();

        time.set(Instant.parse("2026-06-10T14:05:00Z"));
        List<Map<String, Object>> runs = Poll.until(() -> runs(id), r -> !r.isEmpty());
        assertThat(runs).hasSize(1);
        assertThat(runs.get(0)).containsEntry("status", "pending").containsEntry("flowId", "flow_1")
                .containsEntry("createdAt", "2026-06-10T14:05:00Z");
        assertThat(schedule(id)).containsEntry("lastRunAt", "2026-06-10T14:05:00Z")
                .containsEntry("nextRunAt", "2026-06-10T14:10:00Z");
        assertThat(outboxEvents(id)).isEqualTo(1);
    }

    @Test
    void advancesAcrossDaylightSavingChanges() {
        // spring forward in New York: 01:55 EST is followed by 03:00 EDT, five real minutes later
        startAt(Instant.parse("2026-03-08T06:52:00Z"));
        String everyFive = create("*/5 * * * *", "America/New_York");
        assertThat(schedule(everyFive)).containsEntry("nextRunAt", "2026-03-08T06:55:00Z");
        fireAt(everyFive, "2026-03-08T06:55:00Z", "2026-03-08T07:00:00Z");
        fireAt(everyFive, "2026-03-08T07:00:00Z", "2026-03-08T07:05:00Z");

        // fall back: 01:55 EDT is followed by 01:00 EST, again five real minutes later
        startAt(Instant.parse("2026-11-01T05:52:00Z"));
        String fallBack = create("*/5 * * * *", "America/New_York");
        fireAt(fallBack, "2026-11-01T05:55:00Z", "2026-11-01T06:00:00Z");
        fireAt(fallBack, "2026-11-01T06:00:00Z", "2026-11-01T06:05:00Z");

        // a weekday 08:00 schedule keeps local time: 13:00Z on Friday (EST), 12:00Z on Monday (EDT)
        startAt(Instant.parse("2026-03-06T12:30:00Z"));
        String weekdays = create("0 8 * * MON-FRI", "America/New_York");
        assertThat(schedule(weekdays)).containsEntry("nextRunAt", "2026-03-06T13:00:00Z");
        fireAt(weekdays, "2026-03-06T13:00:00Z", "2026-03-09T12:00:00Z");

        // the other way, a daily 08:00 schedule keeps local time: 12:00Z on Saturday (EDT), 13:00Z from Sunday (EST)
        startAt(Instant.parse("2026-10-31T11:30:00Z"));
        String daily = create("0 8 * * *", "America/New_York");
        assertThat(schedule(daily)).containsEntry("nextRunAt", "2026-10-31T12:00:00Z");
        fireAt(daily, "2026-10-31T12:00:00Z", "2026-11-01T13:00:00Z");
        fireAt(daily, "2026-11-01T13:00:00Z", "2026-11-02T13:00:00Z");

        // 01:30 happens twice on the fall-back day: one fire, at the first (EDT) occurrence
        startAt(Instant.parse("2026-11-01T05:00:00Z"));
        String twice = create("30 1 * * *", "America/New_York");
        fireAt(twice, "2026-11-01T05:30:00Z", "2026-11-02T06:30:00Z");
        assertThat(scheduledFor(twice)).containsExactly(Instant.parse("2026-11-01T05:30:00Z"));

        // 02:30 does not happen on the spring-forward day: that day has no fire
        startAt(Instant.parse("2026-03-07T12:00:00Z"));
        String skipped = create("30 2 * * *", "America/New_York");
        assertThat(schedule(skipped)).containsEntry("nextRunAt", "2026-03-09T06:30:00Z");
        fireAt(skipped, "2026-03-09T06:30:00Z", "2026-03-10T06:30:00Z");
    }

    @Test
    void underTheSkipPolicyMissedFireTimesDoNotRun() throws Exception {
        startAt(Instant.parse("2026-07-02T10:00:30Z"));
        String everyFive = create("*/5 * * * *", "UTC", "skip");
        String hourly = create("30 * * * *", "UTC", "skip");
        String once = api.post("/v1/schedules", """
                {"target":{"flowId":"flow_1","recordType":"leads"},"missedRunPolicy":"skip",
                 "trigger":{"type":"one-time","runAt":"2026-07-02T10:30:00Z"}}""", ORG_A).assertStatus(201).string("id");

        // the scheduler "was down" for an hour and is back 20 s after the 11:00 fire time (within the 60 s grace)
        time.set(Instant.parse("2026-07-02T11:00:20Z"));
        List<Map<String, Object>> fiveRuns = Poll.until(() -> runs(everyFive), r -> r.size() == 2);
        awaitTicks(3);
        // every five minutes: one skipped run records the missed hour, the 11:00 fire still runs
        assertThat(runs(everyFive)).hasSize(2);
        Map<String, Map<String, Object>> byStatus = new HashMap<>();
        fiveRuns.forEach(run -> byStatus.put(run.get("status").toString(), run));
        assertThat(byStatus.keySet()).containsExactlyInAnyOrder("skipped", "pending");
        assertThat(byStatus.get("skipped")).containsEntry("error",
                "fire time missed while the scheduler was unavailable or behind; skipped (missedRunPolicy skip)");
        assertThat(scheduledFor(everyFive)).containsExactly(Instant.parse("2026-07-02T10:05:00Z"),
                Instant.parse("2026-07-02T11:00:00Z"));
        assertThat(schedule(everyFive)).containsEntry("nextRunAt", "2026-07-02T11:05:00Z")
                .containsEntry("lastRunAt", "2026-07-02T11:00:20Z");
        assertThat(outboxEvents(everyFive)).isEqualTo(1);

        // hourly at :30: its only fire time (10:30) is long past, so nothing runs
        assertThat(runs(hourly)).singleElement().satisfies(run -> assertThat(run).containsEntry("status", "skipped"));
        assertThat(schedule(hourly)).containsEntry("nextRunAt", "2026-07-02T11:30:00Z").containsEntry("lastRunAt", null);
        assertThat(outboxEvents(hourly)).isZero();

        // a missed one-time schedule does not run and switches off
        assertThat(runs(once)).singleElement().satisfies(run -> assertThat(run).containsEntry("status", "skipped"));
        assertThat(schedule(once)).containsEntry("enabled", false).containsEntry("nextRunAt", null)
                .containsEntry("lastRunAt", null);
        assertThat(outboxEvents(once)).isZero();

        // on time again: fires as usual
        time.set(Instant.parse("2026-07-02T11:05:00Z"));
        assertThat(Poll.until(() -> runs(everyFive), r -> r.size() == 3).get(0)).containsEntry("status", "skipped")
                .containsEntry("error", "previous run still running");
        execute("UPDATE schedule_runs SET status = 'completed' WHERE schedule_id = '" + everyFive + "'");
        time.set(Instant.parse("2026-07-02T11:10:30Z"));
        assertThat(Poll.until(() -> runs(everyFive), r -> r.size() == 4).get(0)).containsEntry("status", "pending");
    }

    @Test
    void pausedAndDeletedSchedulesDoNotFire() throws Exception {
        startAt(Instant.parse("2026-12-01T09:00:30Z"));
        String paused = create("*/5 * * * *", "UTC");
        String deleted = create("*/5 * * * *", "UTC");
        api.post("/v1/schedules/" + paused + "/pause", "", ORG_A).assertStatus(200);
        api.send(HttpRequest.DELETE("/v1/schedules/" + deleted), ORG_A).assertStatus(200);

        // 09:05 and 09:10 pass while paused; resuming does not make up for them
        time.set(Instant.parse("2026-12-01T09:12:00Z"));
        awaitTicks(3);
        assertThat(runs(paused)).isEmpty();
        assertThat(api.post("/v1/schedules/" + paused + "/resume", "", ORG_A).assertStatus(200).body())
                .containsEntry("nextRunAt", "2026-12-01T09:15:00Z");
        awaitTicks(3);
        assertThat(runs(paused)).isEmpty();

        time.set(Instant.parse("2026-12-01T09:15:00Z"));
        Poll.until(() -> runs(paused), r -> r.size() == 1);
        assertThat(scheduledFor(paused)).containsExactly(Instant.parse("2026-12-01T09:15:00Z"));
        assertThat(outboxEvents(paused)).isEqualTo(1);
        assertThat(outboxEvents(deleted)).isZero();
        assertThat(scheduledFor(deleted)).isEmpty();
    }

    @Test
    void aMissedWindowFiresOnceAndMovesToTheNextFutureTime() throws Exception {
        startAt(Instant.parse("2026-07-01T10:00:30Z"));
        String id = create("*/5 * * * *", "UTC");

        // the scheduler "was down" for an hour: twelve fire times passed
        time.set(Instant.parse("2026-07-01T11:02:00Z"));
        Poll.until(() -> runs(id), r -> !r.isEmpty());
        awaitTicks(3);
        assertThat(runs(id)).hasSize(1);
        assertThat(schedule(id)).containsEntry("lastRunAt", "2026-07-01T11:02:00Z")
                .containsEntry("nextRunAt", "2026-07-01T11:05:00Z");
        assertThat(scheduledFor(id)).containsExactly(Instant.parse("2026-07-01T10:05:00Z"));
    }

    @Test
    void aOneTimeScheduleFiresOnceThenSwitchesOff() throws Exception {
        startAt(Instant.parse("2026-08-01T09:00:00Z"));
        // a local time in the schedule's zone: 12:00 in Berlin (CEST) is 10:00Z
        String id = api.post("/v1/schedules", """
                {"target":{"flowId":"flow_1","recordType":"leads"},
                 "trigger":{"type":"one-time","runAt":"2026-08-01T12:00:00","timezone":"Europe/Berlin"}}""", ORG_A)
                .assertStatus(201).string("id");
        assertThat(schedule(id)).containsEntry("runAt", "2026-08-01T10:00:00Z").containsEntry("nextRunAt", "2026-08-01T10:00:00Z");

        // an agent target, at the same time
        String agent = api.post("/v1/schedules", """
                {"target":{"agentId":"agent_1"},"inputs":{"messages":[{"role":"user","content":"Daily digest"}]},
                 "trigger":{"type":"one-time","runAt":"2026-08-01T10:00:00Z"}}""", ORG_A).assertStatus(201).string("id");

        time.set(Instant.parse("2026-08-01T10:00:01Z"));
        Poll.until(() -> runs(id), r -> !r.isEmpty());
        assertThat(schedule(id)).containsEntry("enabled", false).containsEntry("nextRunAt", null)
                .containsEntry("lastRunAt", "2026-08-01T10:00:01Z");
        Map<String, Object> agentRun = Poll.until(() -> runs(agent), r -> !r.isEmpty()).get(0);
        assertThat(agentRun).containsEntry("status", "pending").containsEntry("agentId", "agent_1")
                .containsEntry("flowId", null).containsEntry("batchExecutionId", null);
        assertThat(agentRun.get("agentExecutionId").toString()).startsWith("exec_");
        assertThat(runs(id).get(0).get("batchExecutionId").toString()).startsWith("batch_");
        assertThat(schedule(agent)).containsEntry("enabled", false).containsEntry("nextRunAt", null);
        time.set(Instant.parse("2026-08-02T10:00:00Z"));
        awaitTicks(3);
        assertThat(runs(id)).hasSize(1);
        assertThat(outboxEvents(id)).isEqualTo(1);
        assertThat(runs(agent)).hasSize(1);
        assertThat(outboxEvents(agent)).isEqualTo(1);
    }

    @Test
    void aFireWhileThePreviousRunIsActiveIsSkipped() throws Exception {
        startAt(Instant.parse("2026-09-01T08:00:30Z"));
        String id = create("*/5 * * * *", "UTC");
        time.set(Instant.parse("2026-09-01T08:05:00Z"));
        Poll.until(() -> runs(id), r -> r.size() == 1);

        time.set(Instant.parse("2026-09-01T08:10:00Z"));
        List<Map<String, Object>> runs = Poll.until(() -> runs(id), r -> r.size() == 2);
        assertThat(runs.get(0)).containsEntry("status", "skipped").containsEntry("error", "previous run still running")
                .containsEntry("completedAt", "2026-09-01T08:10:00Z");
        assertThat(runs.get(1)).containsEntry("status", "pending");
        assertThat(schedule(id)).containsEntry("nextRunAt", "2026-09-01T08:15:00Z")
                .containsEntry("lastRunAt", "2026-09-01T08:05:00Z");
        assertThat(outboxEvents(id)).isEqualTo(1);

        // the first run ends: the next fire runs again
        execute("UPDATE schedule_runs SET status = 'completed' WHERE id = '" + runs.get(1).get("id") + "'");
        time.set(Instant.parse("2026-09-01T08:15:00Z"));
        assertThat(Poll.until(() -> runs(id), r -> r.size() == 3).get(0)).containsEntry("status", "pending");

        // a run stuck active past runloom.scheduler.stuck-run-timeout (6h) no longer blocks
        time.set(Instant.parse("2026-09-01T14:20:00Z"));
        assertThat(Poll.until(() -> runs(id), r -> r.size() == 4).get(0)).containsEntry("status", "pending");
        assertThat(outboxEvents(id)).isEqualTo(3);
    }

    @Test
    void twoSchedulerInstancesNeverFireOneFireTimeTwice() throws Exception {
        Instant base = Instant.parse("2026-10-01T00:00:30Z");
        startAt(base);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            ids.add(create("*/5 * * * *", "UTC"));
        }
        // two more schedulers on the same database, small batches so their claims interleave; the
        // background loop races them too. The context builds them, so each fireDue is its own transaction.
        int smallBatch = 7;
        List<ScheduleFirer> schedulers = List.of(context.createBean(ScheduleFirer.class),
                context.createBean(ScheduleFirer.class));
        ExecutorService threads = Executors.newFixedThreadPool(6);
        ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
        int steps = 6;
        try {
            for (int step = 1; step <= steps; step++) {
                time.set(base.plus(Duration.ofMinutes(5L * step)));
                List<Future<?>> calls = new ArrayList<>();
                for (int t = 0; t < 6; t++) {
                    ScheduleFirer scheduler = schedulers.get(t % 2);
                    calls.add(threads.submit(() -> {
                        for (int call = 0; call < 15; call++) {
                            try {
                                scheduler.fireDue(smallBatch);
                            } catch (Throwable e) {
                                failures.add(e);
                            }
                        }
                    }));
                }
                for (Future<?> call : calls) {
                    call.get(60, TimeUnit.SECONDS);
                }
                Poll.until(() -> dueCount(ids), due -> due == 0);
                // let every run finish so each fire time makes a real run and an event
                execute("UPDATE schedule_runs SET status = 'completed' WHERE status = 'pending' AND schedule_id IN ('"
                        + String.join("','", ids) + "')");
            }
        } finally {
            threads.shutdownNow();
        }

        assertThat(failures).isEmpty();
        Map<String, List<Instant>> fired = new HashMap<>();
        for (String id : ids) {
            fired.put(id, scheduledFor(id));
        }
        List<Instant> expected = new ArrayList<>();
        for (int step = 1; step <= steps; step++) {
            expected.add(Instant.parse("2026-10-01T00:00:00Z").plus(Duration.ofMinutes(5L * step)));
        }
        assertThat(fired).allSatisfy((id, times) -> assertThat(times).as(id).containsExactlyElementsOf(expected));
        assertThat(runStatuses(ids)).containsOnlyKeys("completed");
        assertThat(ids.stream().mapToLong(this::outboxEvents).sum()).isEqualTo((long) ids.size() * steps);
    }

    // ---- helpers ---------------------------------------------------------------------------

    private String create(String cron, String timezone) {
        return create(cron, timezone, "fire_once");
    }

    private String create(String cron, String timezone, String missedRunPolicy) {
        return api.post("/v1/schedules", """
                {"target":{"flowId":"flow_1","recordType":"leads"},"missedRunPolicy":"%s",
                 "trigger":{"type":"recurring","cron":"%s","timezone":"%s"}}""".formatted(missedRunPolicy, cron, timezone),
                ORG_A).assertStatus(201).string("id");
    }

    /**
     * Sets the clock for a test's set-up, possibly back in time, and waits until no scheduler tick
     * that read the previous time is still running: such a tick would fire what the test creates
     * next with the old "now" (one running tick finishes, one more starts after the change).
     */
    private void startAt(Instant instant) {
        time.set(instant);
        awaitTicks(2);
    }

    /** Moves the clock to a fire time and waits for the scheduler to move the schedule past it. */
    private void fireAt(String id, String fireTime, String expectedNext) {
        assertThat(schedule(id)).containsEntry("nextRunAt", fireTime);
        time.set(Instant.parse(fireTime));
        Poll.until(() -> schedule(id), s -> expectedNext.equals(s.get("nextRunAt")));
    }

    private Map<String, Object> schedule(String id) {
        return api.get("/v1/schedules/" + id, ORG_A).assertStatus(200).body();
    }

    private List<Map<String, Object>> runs(String id) {
        return api.get("/v1/schedules/" + id + "/runs", ORG_A).assertStatus(200).data();
    }

    private void awaitTicks(int ticks) {
        long target = loop.completedTicks() + ticks;
        Poll.until(loop::completedTicks, done -> done >= target);
    }

    private List<Instant> scheduledFor(String scheduleId) {
        List<Instant> times = new ArrayList<>();
        query("SELECT scheduled_for FROM schedule_runs WHERE schedule_id = ? ORDER BY scheduled_for", scheduleId,
                rows -> times.add(rows.getTimestamp(1).toInstant()));
        return times;
    }

    private long outboxEvents(String scheduleId) {
        long[] count = {0};
        query("SELECT count(*) FROM runloom_outbox WHERE aggregateid = ?", scheduleId, rows -> count[0] = rows.getLong(1));
        return count[0];
    }

    private long dueCount(List<String> ids) {
        long[] count = {0};
        query("SELECT count(*) FROM schedules WHERE id = ANY (string_to_array(?, ',')) AND enabled AND next_run_at <= '"
                + time.instant() + "'", String.join(",", ids), rows -> count[0] = rows.getLong(1));
        return count[0];
    }

    private Map<String, Long> runStatuses(List<String> ids) {
        Map<String, Long> statuses = new HashMap<>();
        query("SELECT status, count(*) FROM schedule_runs WHERE schedule_id = ANY (string_to_array(?, ',')) GROUP BY status",
                String.join(",", ids), rows -> statuses.put(rows.getString(1), rows.getLong(2)));
        return statuses;
    }

    private interface RowHandler {
        void row(ResultSet rows) throws SQLException;
    }

    private void query(String sql, String parameter, RowHandler handler) {
        transactions.executeRead(status -> {
            try (PreparedStatement select = status.getConnection().prepareStatement(sql)) {
                select.setString(1, parameter);
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        handler.row(rows);
                    }
                }
            }
            return null;
        });
    }

    private void execute(String sql) {
        transactions.executeWrite(status -> {
            try (PreparedStatement update = status.getConnection().prepareStatement(sql)) {
                return update.executeUpdate();
            }
        });
    }
}
