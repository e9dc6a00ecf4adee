package dev.runloom.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.runloom.common.id.Ids;
import dev.runloom.embedded.EmbeddedKafka;
import dev.runloom.embedded.EmbeddedPostgres;
import dev.runloom.local.ServiceReplicas;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static dev.runloom.bench.BenchSupport.percentile;
import static dev.runloom.bench.BenchSupport.round;

/**
 * Scenario (issue 8, "Scale"): N enabled schedules with cron {@code * * * * *} (UTC), all due at the
 * same instant every minute, fired by R schedules-service replicas sharing one database, for M
 * minutes. From the {@code schedule_runs} table it checks that every schedule fired exactly once
 * per minute (double fires, misses and fires skipped as overlapping are counted separately) and
 * measures the delay between the due time ({@code scheduled_for}) and the fire ({@code created_at},
 * written by the fire's transaction), and between the due time and the run's start as the stand-in
 * flows-service saw it ({@code started_at}). It reports the schedules database's load per fire
 * ({@code pg_stat_database}, {@code pg_stat_wal} and, per statement, {@code pg_stat_statements})
 * and the plan of the scheduler's claim query with the N schedules loaded.
 *
 * <p>Set-up: embedded PostgreSQL (durable: fsync on) and Kafka in a temporary directory, R
 * schedules-service JVMs ({@link ServiceReplicas}) and, in this process, {@link FlowsStandIn}
 * answering each run request with a completed batch. The schedules are inserted straight into the
 * {@code schedules} table (one multi-row INSERT per 1,000): creating them through the API would
 * need flows-service to validate each target, and the scheduler reads nothing but the table.
 *
 * <p>Usage: {@code bench/run-schedules [--schedules N] [--replicas R] [--minutes M] [--warmup-minutes W]} (defaults
 * 10,000, 3, 3, 1: the warm-up fires before the window are reported, not counted). Prints a table; writes the figures as JSON under {@code bench/results/}.
 */
public final class ScheduleScaleBench {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ORGANIZATION = "org_bench";
    private static final String SERVICE = "schedules";
    /** {@code runloom.scheduler.batch-size}'s default: what the replicas claim per transaction. */
    private static final int CLAIM_BATCH = 500; // runloom.scheduler.batch-size
    private static final int INSERT_BATCH = 1000;
    /** The claim of ScheduleRepository.claimDue, with JDBC placeholders for :now and :batchSize. */
    static final String CLAIM_QUERY = """
            SELECT * FROM schedules WHERE enabled AND next_run_at <= ?
            ORDER BY next_run_at LIMIT ? FOR UPDATE SKIP LOCKED""";
    /** The window ends this long after the last fire time, just before the next one: M minutes from 3 s before the first. */
    private static final Duration SETTLE = Duration.ofSeconds(57);
    private static final double P99_TARGET_SECONDS = 2.0;

    private final int scheduleCount;
    private final int replicaCount;
    private final int minutes;
    /** Fires before the measured window, while the replicas' JIT warms up; reported, not counted. */
    private final int warmupMinutes;
    private String warmupFigures = "none";
    private EmbeddedPostgres postgres;
    private EmbeddedKafka kafka;
    private ServiceReplicas replicas;
    private FlowsStandIn standIn;
    private boolean closed;

    private ScheduleScaleBench(int scheduleCount, int replicaCount, int minutes, int warmupMinutes) {
        this.scheduleCount = scheduleCount;
        this.replicaCount = replicaCount;
        this.minutes = minutes;
        this.warmupMinutes = warmupMinutes;
    }

    public static void main(String[] args) throws Exception {
        // the classpath holds more than one logback.xml (common's, local's): take the bench's own, also when
        // started without bench/run-schedules
        System.setProperty("logback.configurationFile", System.getProperty("logback.configurationFile", "bench-logback.xml"));
        Map<String, String> options = BenchSupport.parse(args, "bench/run-schedules [--schedules N] [--replicas R] [--minutes M] [--warmup-minutes W]");
        int schedules = Integer.parseInt(options.getOrDefault("schedules", "10000"));
        int replicas = Integer.parseInt(options.getOrDefault("replicas", "3"));
        int minutes = Integer.parseInt(options.getOrDefault("minutes", "3"));
        int warmupMinutes = Integer.parseInt(options.getOrDefault("warmup-minutes", "1"));
        if (schedules < 1 || replicas < 1 || minutes < 1) {
            throw new IllegalArgumentException("--schedules, --replicas and --minutes must be at least 1");
        }
        Path home = Path.of(System.getProperty("runloom.home", ".")).toAbsolutePath().normalize();
        Path data = Files.createTempDirectory("runloom-schedule-bench");
        ScheduleScaleBench bench = new ScheduleScaleBench(schedules, replicas, minutes, warmupMinutes);
        // Ctrl-C must not leave child JVMs or the postmaster behind (a durable embedded PostgreSQL
        // registers no hook of its own)
        Thread hook = new Thread(bench::close, "schedule-bench-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        long started = System.nanoTime();
        boolean ok = false;
        try {
            bench.run(home, data);
            ok = true;
        } finally {
            bench.close();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running already
            }
            if (ok) {
                deleteTree(data.resolve("postgres"));
                deleteTree(data.resolve("kafka"));
                System.out.printf("%nWall-clock %.0f s. Service logs kept in %s%n", (System.nanoTime() - started) / 1e9,
                        data.resolve("logs"));
            } else {
                System.out.println("\nFailed; data and service logs kept in " + data);
            }
        }
    }

    private void run(Path home, Path data) throws Exception {
        System.out.printf("Schedule scale: %,d schedules (* * * * *, UTC), %d schedules-service replicas, %d minute(s); data in %s%n",
                scheduleCount, replicaCount, minutes, data);
        long t = System.nanoTime();
        postgres = EmbeddedPostgres.start(data.resolve("postgres"), 0, true);
        boolean statements = enableStatementStatistics();
        kafka = EmbeddedKafka.start(data.resolve("kafka"), 0);
        System.out.printf("PostgreSQL (durable%s) and Kafka up in %.1f s; starting %d replicas …%n",
                statements ? ", pg_stat_statements" : "", (System.nanoTime() - t) / 1e9, replicaCount);
        t = System.nanoTime();
        // No other service runs: their URLs point at a port nothing listens on.
        String nowhere = "http://127.0.0.1:9";
        replicas = ServiceReplicas.start(home, data.resolve("logs"), SERVICE, replicaCount, postgres, kafka,
                Map.of("RUNLOOM_RECORDS_URL", nowhere, "RUNLOOM_FLOWS_URL", nowhere, "RUNLOOM_AGENTS_URL", nowhere));
        System.out.printf("%d replicas healthy in %.1f s: %s%n", replicaCount, (System.nanoTime() - t) / 1e9, replicas.urls());
        standIn = new FlowsStandIn(kafka.bootstrapServers());
        standIn.awaitAssigned(Duration.ofSeconds(60));

        String database = replicas.database();
        try (Connection db = connect(database); Connection admin = connect("postgres")) {
            // the first fire time: the next full minute, with time to insert and look at the plan first
            Instant warmupFire = Instant.now().plusSeconds(15 + scheduleCount / 1000).truncatedTo(ChronoUnit.MINUTES)
                    .plus(1, ChronoUnit.MINUTES);
            // the replicas fire warmupMinutes times before the measured window: a freshly started JVM
            // runs its first fires interpreted, which is not the steady state a deployment lives in
            Instant firstFire = warmupFire.plus(warmupMinutes, ChronoUnit.MINUTES);
            Instant lastFire = firstFire.plus(minutes - 1L, ChronoUnit.MINUTES);
            t = System.nanoTime();
            insertSchedules(db, warmupFire);
            double insertSeconds = (System.nanoTime() - t) / 1e9;
            System.out.printf("Inserted %,d schedules in %.1f s straight into the schedules table (through the API each "
                    + "create would need flows-service to validate its target); all due at %s%n",
                    scheduleCount, insertSeconds, firstFire);
            exec(db, "ANALYZE schedules");
            Map<String, Object> plans = new LinkedHashMap<>();
            plans.put("customPlanWithNSchedulesDue", explainClaim(db, firstFire, true));
            plans.put("genericPlan", genericPlan(db, firstFire));
            System.out.println("\nClaim query (ScheduleRepository.claimDue), " + scheduleCount
                    + " schedules loaded and due, batch " + CLAIM_BATCH + ":");
            System.out.println(indent((String) plans.get("customPlanWithNSchedulesDue")));
            System.out.println("Generic plan (what a prepared statement may settle on):");
            System.out.println(indent((String) plans.get("genericPlan")));

            for (int k = 0; k < warmupMinutes; k++) {
                Instant due = warmupFire.plus(k, ChronoUnit.MINUTES);
                sleepUntil(due.plusSeconds(20));
                FlowsStandIn.MinuteTally tally = standIn.tally(due);
                System.out.printf("warm-up fire %d/%d at %s (not measured): %,d run requests reached the stand-in%n",
                        k + 1, warmupMinutes, due, tally.requests());
            }
            if (warmupMinutes > 0) {
                warmupFigures = warmupDelays(db, warmupFire, firstFire);
                System.out.println("warm-up fire delays (created_at - scheduled_for): " + warmupFigures);
            }
            sleepUntil(firstFire.minusSeconds(3));
            Map<String, Long> before = snapshot(admin, db, database);
            if (statements) {
                exec(admin, "SELECT pg_stat_statements_reset()");
            }
            Instant windowStart = Instant.now();
            for (int k = 0; k < minutes; k++) {
                Instant due = firstFire.plus(k, ChronoUnit.MINUTES);
                sleepUntil(due.plusSeconds(20));
                standIn.checkHealthy();
                FlowsStandIn.MinuteTally tally = standIn.tally(due);
                System.out.printf("fire %d/%d at %s: %,d run requests reached the stand-in%s%n", k + 1, minutes, due,
                        tally.requests(), tally.lastReceived() == null ? ""
                                : String.format(", the last %.2f s after the due time",
                                Duration.between(due, tally.lastReceived()).toNanos() / 1e9));
            }
            Instant windowEnd = lastFire.plus(SETTLE);
            sleepUntil(windowEnd);
            Map<String, Long> after = snapshot(admin, db, database);
            List<Map<String, Object>> statementFigures = statements ? readStatements(admin, database) : List.of();
            double windowSeconds = Duration.between(windowStart, Instant.now()).toMillis() / 1e3;
            long requestsSeen = standIn.requests();
            long otherEvents = standIn.otherEvents();
            replicas.close();
            standIn.close();

            RunAnalysis runs = analyseRuns(db, firstFire, lastFire);
            String planAfter = explainClaim(db, lastFire.plus(1, ChronoUnit.MINUTES), true);
            plans.put("customPlanAfterRun", planAfter);
            report(firstFire, lastFire, windowSeconds, insertSeconds, runs, before, after, statementFigures, plans,
                    requestsSeen, otherEvents);
        }
    }

    /** p50 / p99 / max fire delay and the fire count of the warm-up minutes, for the report. */
    private static String warmupDelays(Connection db, Instant from, Instant to) throws SQLException {
        try (var ps = db.prepareStatement("""
                SELECT count(*), percentile_cont(0.5) WITHIN GROUP (ORDER BY d), percentile_cont(0.99) WITHIN GROUP (ORDER BY d), max(d)
                FROM (SELECT extract(epoch FROM created_at - scheduled_for) AS d FROM schedule_runs
                      WHERE scheduled_for >= ? AND scheduled_for < ?) AS delays""")) {
            ps.setObject(1, from.atOffset(ZoneOffset.UTC));
            ps.setObject(2, to.atOffset(ZoneOffset.UTC));
            try (var rs = ps.executeQuery()) {
                rs.next();
                return String.format("%d fires, p50 %.3f s, p99 %.3f s, max %.3f s", rs.getLong(1), rs.getDouble(2),
                        rs.getDouble(3), rs.getDouble(4));
            }
        }
    }

    // ---------------------------------------------------------------- set-up

    /**
     * pg_stat_statements has to be preloaded: set it with ALTER SYSTEM (postgresql.auto.conf, which
     * the server's command-line settings leave alone) and restart in place. Optional: without it
     * the run reports pg_stat_database only.
     */
    private boolean enableStatementStatistics() {
        try {
            try (Connection c = connect("postgres")) {
                exec(c, "ALTER SYSTEM SET shared_preload_libraries = 'pg_stat_statements'");
                exec(c, "ALTER SYSTEM SET pg_stat_statements.max = 10000");
            }
            postgres.restart(Duration.ZERO);
            // in the postgres database: an extension in the service's own schema would make Flyway
            // find a non-empty schema; the view shows every database's statements to a superuser
            try (Connection c = connect("postgres")) {
                exec(c, "CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
            }
            return true;
        } catch (SQLException | RuntimeException e) {
            System.out.println("pg_stat_statements unavailable (" + e.getMessage() + "); reporting pg_stat_database only");
            return false;
        }
    }

    private void insertSchedules(Connection db, Instant due) throws SQLException {
        OffsetDateTime nextRunAt = due.atOffset(ZoneOffset.UTC);
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        for (int from = 0; from < scheduleCount; from += INSERT_BATCH) {
            int rows = Math.min(INSERT_BATCH, scheduleCount - from);
            StringBuilder sql = new StringBuilder("""
                    INSERT INTO schedules (id, organization_id, name, flow_id, record_type, trigger_type, cron, timezone,
                                           enabled, next_run_at, created_at, updated_at) VALUES """);
            for (int i = 0; i < rows; i++) {
                sql.append(i == 0 ? "" : ",").append("(?, ?, ?, ?, ?, 'cron', '* * * * *', 'UTC', true, ?, ?, ?)");
            }
            try (PreparedStatement ps = db.prepareStatement(sql.toString())) {
                int p = 1;
                for (int i = 0; i < rows; i++) {
                    ps.setString(p++, Ids.newId("sched"));
                    ps.setString(p++, ORGANIZATION);
                    ps.setString(p++, "Bench schedule " + (from + i));
                    ps.setString(p++, "flow_bench");
                    ps.setString(p++, "bench_lead");
                    ps.setObject(p++, nextRunAt);
                    ps.setObject(p++, now);
                    ps.setObject(p++, now);
                }
                ps.executeUpdate();
            }
        }
    }

    // ---------------------------------------------------------------- plans

    /** EXPLAIN (ANALYZE, BUFFERS) of the claim as the scheduler runs it, in a transaction rolled back. */
    private static String explainClaim(Connection db, Instant now, boolean analyze) throws SQLException {
        db.setAutoCommit(false);
        try (PreparedStatement ps = db.prepareStatement("EXPLAIN (" + (analyze ? "ANALYZE, BUFFERS, " : "")
                + "COSTS) " + CLAIM_QUERY)) {
            ps.setObject(1, now.atOffset(ZoneOffset.UTC));
            ps.setInt(2, CLAIM_BATCH);
            return lines(ps.executeQuery());
        } finally {
            db.rollback();
            db.setAutoCommit(true);
        }
    }

    /**
     * The plan a prepared claim settles on once PostgreSQL stops planning per parameter values
     * (after five executions, if the generic plan costs no more): forced here, and EXPLAINed.
     */
    private static String genericPlan(Connection db, Instant now) throws SQLException {
        String prepared = CLAIM_QUERY.replaceFirst("\\?", "\\$1").replaceFirst("\\?", "\\$2");
        try (Statement st = db.createStatement()) {
            st.execute("PREPARE bench_claim(timestamptz, int) AS " + prepared);
            st.execute("SET plan_cache_mode = force_generic_plan");
            try {
                return lines(st.executeQuery("EXPLAIN EXECUTE bench_claim('" + now + "', " + CLAIM_BATCH + ")"));
            } finally {
                st.execute("RESET plan_cache_mode");
                st.execute("DEALLOCATE bench_claim");
            }
        }
    }

    // ---------------------------------------------------------------- load

    /** Cumulative counters of the service's database (and WAL, cluster-wide: no other database is busy). */
    private static Map<String, Long> snapshot(Connection admin, Connection db, String database) throws SQLException {
        Map<String, Long> s = new LinkedHashMap<>();
        try (PreparedStatement ps = admin.prepareStatement("""
                SELECT xact_commit, xact_rollback, tup_returned, tup_fetched, tup_inserted, tup_updated, tup_deleted,
                       blks_read, blks_hit, (SELECT wal_bytes FROM pg_stat_wal)::bigint AS wal_bytes
                FROM pg_stat_database WHERE datname = ?""")) {
            ps.setString(1, database);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                    s.put(rs.getMetaData().getColumnLabel(i), rs.getLong(i));
                }
            }
        }
        try (Statement st = db.createStatement(); ResultSet rs = st.executeQuery("""
                SELECT (SELECT idx_scan FROM pg_stat_user_indexes WHERE indexrelname = 'schedules_due') AS schedules_due_idx_scan,
                       (SELECT seq_scan FROM pg_stat_user_tables WHERE relname = 'schedules') AS schedules_seq_scan""")) {
            rs.next();
            s.put("schedules_due_idx_scan", rs.getLong(1));
            s.put("schedules_seq_scan", rs.getLong(2));
        }
        return s;
    }

    /** Every statement the database ran since the reset (this bench's own monitoring queries left out). */
    private static List<Map<String, Object>> readStatements(Connection admin, String database) throws SQLException {
        List<Map<String, Object>> out = new ArrayList<>();
        try (PreparedStatement ps = admin.prepareStatement("""
                SELECT s.query, s.calls, s.rows, s.total_exec_time
                FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid
                WHERE d.datname = ? AND s.query NOT ILIKE '%pg_stat%'
                ORDER BY s.calls DESC, s.total_exec_time DESC""")) {
            ps.setString(1, database);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    row.put("query", rs.getString(1).replaceAll("\\s+", " ").trim());
                    row.put("calls", rs.getLong(2));
                    row.put("rows", rs.getLong(3));
                    row.put("totalExecMs", round(rs.getDouble(4)));
                    out.add(row);
                }
            }
        }
        return out;
    }

    // ---------------------------------------------------------------- runs

    record MinuteFigures(Instant due, int rows, int doubles, int misses, int skipped, double firstSeconds,
                         double p50Seconds, double p99Seconds, double maxSeconds) {
    }

    record RunAnalysis(int expected, int rows, int doubleFires, int misses, int skipped, int offGrid,
                       Map<String, Integer> statuses, List<Double> fireDelays, List<Double> startDelays,
                       List<MinuteFigures> perMinute) {
    }

    /**
     * Reads every cron run of the window. Expected: one row per (schedule, due minute). A second row
     * for the same pair is a double fire, a missing one a miss; a run recorded as skipped (previous
     * run still active) counts as fired but not run.
     */
    private RunAnalysis analyseRuns(Connection db, Instant firstFire, Instant lastFire) throws SQLException {
        List<String> scheduleIds = new ArrayList<>();
        try (Statement st = db.createStatement(); ResultSet rs = st.executeQuery(
                "SELECT id FROM schedules WHERE organization_id = '" + ORGANIZATION + "'")) {
            while (rs.next()) {
                scheduleIds.add(rs.getString(1));
            }
        }
        Map<Instant, Map<String, Integer>> counts = new TreeMap<>();
        Map<Instant, List<Double>> delaysByMinute = new TreeMap<>();
        Map<Instant, Integer> skippedByMinute = new HashMap<>();
        Map<String, Integer> statuses = new TreeMap<>();
        List<Double> fireDelays = new ArrayList<>();
        List<Double> startDelays = new ArrayList<>();
        int rows = 0;
        int offGrid = 0;
        int skipped = 0;
        try (PreparedStatement ps = db.prepareStatement("""
                SELECT schedule_id, scheduled_for, status, created_at, started_at FROM schedule_runs
                WHERE trigger = 'cron' AND scheduled_for >= ? AND scheduled_for < ?""")) {
            ps.setObject(1, firstFire.atOffset(ZoneOffset.UTC));
            ps.setObject(2, lastFire.plus(1, ChronoUnit.MINUTES).atOffset(ZoneOffset.UTC));
            ps.setFetchSize(5000);
            db.setAutoCommit(false);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows++;
                    Instant due = rs.getObject(2, OffsetDateTime.class).toInstant();
                    if (!due.equals(due.truncatedTo(ChronoUnit.MINUTES))) {
                        offGrid++;
                        continue;
                    }
                    String status = rs.getString(3);
                    statuses.merge(status, 1, Integer::sum);
                    counts.computeIfAbsent(due, d -> new HashMap<>()).merge(rs.getString(1), 1, Integer::sum);
                    double delay = Duration.between(due, rs.getObject(4, OffsetDateTime.class).toInstant()).toMillis() / 1e3;
                    fireDelays.add(delay);
                    delaysByMinute.computeIfAbsent(due, d -> new ArrayList<>()).add(delay);
                    if ("skipped".equals(status)) {
                        skipped++;
                        skippedByMinute.merge(due, 1, Integer::sum);
                    }
                    OffsetDateTime startedAt = rs.getObject(5, OffsetDateTime.class);
                    if (startedAt != null) {
                        startDelays.add(Duration.between(due, startedAt.toInstant()).toMillis() / 1e3);
                    }
                }
            } finally {
                db.commit();
                db.setAutoCommit(true);
            }
        }
        int doubles = 0;
        int misses = 0;
        List<MinuteFigures> perMinute = new ArrayList<>();
        for (int k = 0; k < minutes; k++) {
            Instant due = firstFire.plus(k, ChronoUnit.MINUTES);
            Map<String, Integer> bySchedule = counts.getOrDefault(due, Map.of());
            int minuteDoubles = 0;
            int minuteMisses = 0;
            for (String id : scheduleIds) {
                int n = bySchedule.getOrDefault(id, 0);
                if (n == 0) {
                    minuteMisses++;
                } else {
                    minuteDoubles += n - 1;
                }
            }
            doubles += minuteDoubles;
            misses += minuteMisses;
            List<Double> d = new ArrayList<>(delaysByMinute.getOrDefault(due, List.of()));
            Collections.sort(d);
            int minuteRows = bySchedule.values().stream().mapToInt(Integer::intValue).sum();
            perMinute.add(new MinuteFigures(due, minuteRows, minuteDoubles, minuteMisses,
                    skippedByMinute.getOrDefault(due, 0), d.isEmpty() ? Double.NaN : d.getFirst(),
                    percentile(d, 0.50), percentile(d, 0.99), d.isEmpty() ? Double.NaN : d.getLast()));
        }
        Collections.sort(fireDelays);
        Collections.sort(startDelays);
        return new RunAnalysis(scheduleIds.size() * minutes, rows, doubles, misses, skipped, offGrid, statuses,
                fireDelays, startDelays, perMinute);
    }

    // ---------------------------------------------------------------- report

    private void report(Instant firstFire, Instant lastFire, double windowSeconds, double insertSeconds, RunAnalysis runs,
                        Map<String, Long> before, Map<String, Long> after, List<Map<String, Object>> statements,
                        Map<String, Object> plans, long requestsSeen, long otherEvents) throws IOException {
        int fires = runs.rows();
        double perFire = fires == 0 ? Double.NaN : 1.0 / fires;
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("schedules", scheduleCount);
        figures.put("replicas", replicaCount);
        figures.put("minutes", minutes);
        figures.put("warmupMinutes", warmupMinutes);
        figures.put("warmupFires", warmupFigures);
        figures.put("firstFire", firstFire.toString());
        figures.put("lastFire", lastFire.toString());
        figures.put("measuredWindowSeconds", round(windowSeconds));
        figures.put("schedulesCreatedBy", "multi-row INSERT into the schedules table, " + INSERT_BATCH + " per statement");
        figures.put("insertSeconds", round(insertSeconds));
        figures.put("expectedFires", runs.expected());
        figures.put("firesRecorded", fires);
        figures.put("doubleFires", runs.doubleFires());
        figures.put("misses", runs.misses());
        figures.put("skippedAsOverlapping", runs.skipped());
        figures.put("offGridRuns", runs.offGrid());
        figures.put("runStatuses", runs.statuses());
        figures.put("fireDelayP50Seconds", round(percentile(runs.fireDelays(), 0.50)));
        figures.put("fireDelayP99Seconds", round(percentile(runs.fireDelays(), 0.99)));
        figures.put("fireDelayMaxSeconds", round(runs.fireDelays().isEmpty() ? Double.NaN : runs.fireDelays().getLast()));
        figures.put("startDelayP50Seconds", round(percentile(runs.startDelays(), 0.50)));
        figures.put("startDelayP99Seconds", round(percentile(runs.startDelays(), 0.99)));
        figures.put("startDelayMaxSeconds", round(runs.startDelays().isEmpty() ? Double.NaN : runs.startDelays().getLast()));
        figures.put("runRequestsReceivedByStandIn", requestsSeen);
        figures.put("otherEventsOnRunsTopic", otherEvents);
        Map<String, Object> load = new LinkedHashMap<>();
        for (String key : before.keySet()) {
            long delta = after.get(key) - before.get(key);
            load.put(key, delta);
            load.put(key + "PerFire", round(delta * perFire));
        }
        figures.put("databaseLoad", load);
        if (!statements.isEmpty()) {
            long all = statements.stream().mapToLong(s -> (Long) s.get("calls")).sum();
            long control = statements.stream().filter(s -> isTransactionControl((String) s.get("query")))
                    .mapToLong(s -> (Long) s.get("calls")).sum();
            figures.put("statementsPerFire", round(all * perFire));
            figures.put("statementsPerFireExcludingTransactionControl", round((all - control) * perFire));
            Map<String, Long> byPart = new LinkedHashMap<>();
            for (String part : List.of("fire", "relay", "projection", "transactionControl", "other")) {
                byPart.put(part, 0L);
            }
            for (Map<String, Object> s : statements) {
                s.put("callsPerFire", round((Long) s.get("calls") * perFire));
                String part = partOf((String) s.get("query"));
                s.put("part", part);
                byPart.merge(part, (Long) s.get("calls"), Long::sum);
            }
            Map<String, Object> partsPerFire = new LinkedHashMap<>();
            byPart.forEach((part, calls) -> partsPerFire.put(part, round(calls * perFire)));
            figures.put("statementsPerFireByPart", partsPerFire);
            figures.put("statements", statements);
        }
        figures.put("claimQuery", CLAIM_QUERY.replaceAll("\\s+", " "));
        figures.put("plans", plans);
        List<Map<String, Object>> minutesOut = new ArrayList<>();
        for (MinuteFigures m : runs.perMinute()) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("due", m.due().toString());
            row.put("fires", m.rows());
            row.put("doubleFires", m.doubles());
            row.put("misses", m.misses());
            row.put("skipped", m.skipped());
            row.put("firstFireSeconds", round(m.firstSeconds()));
            row.put("p50Seconds", round(m.p50Seconds()));
            row.put("p99Seconds", round(m.p99Seconds()));
            row.put("maxSeconds", round(m.maxSeconds()));
            minutesOut.add(row);
        }
        figures.put("perMinute", minutesOut);
        boolean met = runs.doubleFires() == 0 && runs.misses() == 0 && runs.skipped() == 0 && runs.offGrid() == 0
                && percentile(runs.fireDelays(), 0.99) <= P99_TARGET_SECONDS;
        figures.put("targetMet", met);
        figures.put("cores", Runtime.getRuntime().availableProcessors());
        figures.put("measuredAt", Instant.now().toString());

        System.out.println();
        System.out.println("fire delay = created_at - scheduled_for (created_at: the fire transaction's clock); start delay ="
                + " started_at - scheduled_for (started_at: when the stand-in flows-service received the run request, as"
                + " its batch-completed event reports it). Database figures: the schedules database over the window"
                + " (M minutes from 3 s before the first fire), per fire recorded.");
        System.out.println("| metric | value |");
        System.out.println("|---|---|");
        for (String key : List.of("schedules", "replicas", "warmupMinutes", "warmupFires", "minutes", "firstFire", "lastFire", "measuredWindowSeconds",
                "expectedFires", "firesRecorded", "doubleFires", "misses", "skippedAsOverlapping", "offGridRuns",
                "runStatuses", "fireDelayP50Seconds", "fireDelayP99Seconds", "fireDelayMaxSeconds", "startDelayP50Seconds",
                "startDelayP99Seconds", "startDelayMaxSeconds", "statementsPerFire",
                "statementsPerFireExcludingTransactionControl", "statementsPerFireByPart")) {
            if (figures.containsKey(key)) {
                System.out.printf("| %s | %s |%n", key, figures.get(key));
            }
        }
        for (String key : List.of("xact_commit", "tup_returned", "tup_fetched", "tup_inserted", "tup_updated",
                "wal_bytes", "schedules_due_idx_scan", "schedules_seq_scan")) {
            System.out.printf("| db %s per fire (total) | %s (%s) |%n", key, load.get(key + "PerFire"), load.get(key));
        }
        System.out.printf("| target: 0 double fires, 0 misses, 0 skipped, p99 fire delay <= %.0f s | %s |%n", P99_TARGET_SECONDS,
                met ? "met" : "NOT met");

        System.out.println("\nPer due minute (fire delay = created_at - scheduled_for in seconds; created_at is the fire"
                + " transaction's clock):");
        System.out.println("| due | fires | double | missed | skipped | first | p50 | p99 | max |");
        System.out.println("|---|---|---|---|---|---|---|---|---|");
        for (MinuteFigures m : runs.perMinute()) {
            System.out.printf("| %s | %d | %d | %d | %d | %s | %s | %s | %s |%n", m.due(), m.rows(), m.doubles(),
                    m.misses(), m.skipped(), round(m.firstSeconds()), round(m.p50Seconds()), round(m.p99Seconds()),
                    round(m.maxSeconds()));
        }
        if (!statements.isEmpty()) {
            System.out.println("\nStatements on the schedules database during the window (pg_stat_statements, most called first):");
            System.out.println("| calls | per fire | rows/call | ms/call | statement |");
            System.out.println("|---|---|---|---|---|");
            for (Map<String, Object> s : statements.subList(0, Math.min(15, statements.size()))) {
                long calls = (Long) s.get("calls");
                String q = (String) s.get("query");
                System.out.printf("| %d | %s | %s | %s | `%s` |%n", calls, s.get("callsPerFire"),
                        round((Long) s.get("rows") / (double) calls), round((Double) s.get("totalExecMs") / calls),
                        q.length() > 110 ? q.substring(0, 110) + " …" : q);
            }
        }
        System.out.println("\nClaim plan after the run (every schedule due again, " + CLAIM_BATCH + " claimed):");
        System.out.println(indent((String) plans.get("customPlanAfterRun")));

        Path out = Path.of("bench", "results");
        Files.createDirectories(out);
        Path file = out.resolve("schedule-scale-" + System.currentTimeMillis() + ".json");
        Files.writeString(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(figures));
        System.out.println("JSON written to " + file);
    }

    /**
     * Which part of the service ran a statement, by the tables it names (a heuristic over today's
     * SQL): {@code fire} the scheduler's fire transaction (claim, overlap check, run rows, next
     * fire times, outbox rows), {@code relay} the outbox relay, {@code projection} the inbox and
     * the run-status updates from batch events, {@code transactionControl} BEGIN/COMMIT/SET,
     * {@code other} the rest (connection checks, housekeeping).
     */
    static String partOf(String query) {
        String q = query.toLowerCase(java.util.Locale.ROOT).replace("\"", "");
        if (isTransactionControl(query)) {
            return "transactionControl";
        }
        if (q.startsWith("insert into runloom_outbox") || q.contains("from schedules ") || q.startsWith("update schedules ")
                || q.startsWith("insert into schedule_runs") || q.contains("from schedule_runs")) {
            return "fire";
        }
        if (q.contains("runloom_outbox") || q.contains("pg_try_advisory")) {
            return "relay";
        }
        if (q.contains("runloom_inbox") || q.startsWith("update schedule_runs") || q.contains("schedule_run_results")) {
            return "projection";
        }
        return "other";
    }

    private static boolean isTransactionControl(String query) {
        String q = query.trim().toUpperCase(java.util.Locale.ROOT);
        return q.startsWith("BEGIN") || q.startsWith("COMMIT") || q.startsWith("ROLLBACK") || q.startsWith("SET ")
                || q.startsWith("SHOW ") || q.startsWith("SAVEPOINT") || q.startsWith("RELEASE");
    }

    // ---------------------------------------------------------------- helpers

    private Connection connect(String database) throws SQLException {
        return DriverManager.getConnection(postgres.jdbcUrl(database), postgres.username(), postgres.password());
    }

    private static void exec(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    private static String lines(ResultSet rs) throws SQLException {
        try (rs) {
            StringBuilder out = new StringBuilder();
            while (rs.next()) {
                out.append(rs.getString(1)).append('\n');
            }
            return out.toString();
        }
    }

    private static String indent(String text) {
        return text.lines().map(l -> "    " + l).reduce((a, b) -> a + "\n" + b).orElse("") + "\n";
    }

    private static void sleepUntil(Instant when) throws InterruptedException {
        long millis = Duration.between(Instant.now(), when).toMillis();
        if (millis > 0) {
            Thread.sleep(millis);
        }
    }

    /** Stops what was started, the stand-in and the services before Kafka and PostgreSQL; safe to call twice. */
    private synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (AutoCloseable c : new AutoCloseable[] {standIn, replicas, kafka, postgres}) {
            if (c != null) {
                try {
                    c.close();
                } catch (Exception e) {
                    System.err.println("while stopping " + c.getClass().getSimpleName() + ": " + e);
                }
            }
        }
    }

    private static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // best effort
        }
    }
}
