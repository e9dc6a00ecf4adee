package dev.runloom.bench;

import dev.runloom.embedded.EmbeddedPostgres;
import dev.runloom.local.LocalPlatform;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Where a measured window's work went, for {@code bench/run --profile true}: the CPU each process
 * used (cores: CPU seconds over wall seconds), and PostgreSQL's statements by total execution time
 * with the WAL they wrote ({@code pg_stat_statements}, which the platform's server then loads). Both
 * are reset when the window starts, so warm-up and record creation are not counted. CPU is read from
 * the operating system per process ({@link ProcessHandle}): each service's JVM, the PostgreSQL server
 * with its backends, and this JVM, which also runs the Kafka broker.
 */
final class BatchProfile {
    private static final String[] SERVICES = {"flows", "records", "schedules", "agents", "gateway"};

    private final LocalPlatform platform;
    private Map<String, Duration> cpuAtStart;
    private long startNanos;

    private BatchProfile(LocalPlatform platform) {
        this.platform = platform;
    }

    /** Call before the platform starts: its PostgreSQL server must load pg_stat_statements. */
    static void enableStatementStatistics() {
        System.setProperty(EmbeddedPostgres.STATEMENT_STATISTICS_PROPERTY, "true");
    }

    /** Starts the window: CPU counters read, statement statistics reset. */
    static BatchProfile start(LocalPlatform platform) throws SQLException {
        BatchProfile profile = new BatchProfile(platform);
        try (Connection c = connect(platform); Statement st = c.createStatement()) {
            st.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
            st.execute("SELECT pg_stat_statements_reset()");
        }
        profile.cpuAtStart = profile.cpuTimes();
        profile.startNanos = System.nanoTime();
        return profile;
    }

    /** Ends the window: cores per process since the start. */
    Map<String, Object> coresUsed() {
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        Map<String, Duration> now = cpuTimes();
        Map<String, Object> cores = new LinkedHashMap<>();
        double total = 0;
        for (Map.Entry<String, Duration> entry : now.entrySet()) {
            Duration used = entry.getValue().minus(cpuAtStart.getOrDefault(entry.getKey(), Duration.ZERO));
            double share = used.toNanos() / 1e9 / seconds;
            cores.put(entry.getKey(), Math.round(share * 100) / 100.0);
            total += share;
        }
        cores.put("total", Math.round(total * 100) / 100.0);
        return cores;
    }

    /** The statements that took the most time in the window, across the platform's databases. */
    List<Map<String, Object>> topStatements(int limit) throws SQLException {
        List<Map<String, Object>> rows = new ArrayList<>();
        try (Connection c = connect(platform); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("""
                     SELECT d.datname, s.calls, s.total_exec_time, s.rows, s.wal_bytes,
                            left(regexp_replace(s.query, '\\s+', ' ', 'g'), 90) AS query
                     FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid
                     WHERE s.query NOT LIKE '%pg_stat_statements%'
                     ORDER BY s.total_exec_time DESC""" + " LIMIT " + limit)) {
            while (rs.next()) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("database", rs.getString("datname"));
                row.put("calls", rs.getLong("calls"));
                row.put("totalMs", Math.round(rs.getDouble("total_exec_time")));
                row.put("rows", rs.getLong("rows"));
                row.put("walMB", Math.round(rs.getDouble("wal_bytes") / 1e5) / 10.0);
                row.put("query", rs.getString("query"));
                rows.add(row);
            }
        }
        return rows;
    }

    static void print(List<Map<String, Object>> statements) {
        System.out.println("\n| database | calls | total ms | rows | WAL MB | statement |");
        System.out.println("|---|---:|---:|---:|---:|---|");
        for (Map<String, Object> s : statements) {
            System.out.printf("| %s | %,d | %,d | %,d | %.1f | `%s` |%n", s.get("database"), (Long) s.get("calls"),
                    (Long) s.get("totalMs"), (Long) s.get("rows"), (Double) s.get("walMB"), s.get("query"));
        }
    }

    private Map<String, Duration> cpuTimes() {
        Map<String, Duration> times = new LinkedHashMap<>();
        times.put("postgres", ProcessHandle.of(platform.postgres().serverPid())
                .map(server -> Stream.concat(Stream.of(server), server.descendants()).map(BatchProfile::cpu)
                        .reduce(Duration.ZERO, Duration::plus))
                .orElse(Duration.ZERO));
        for (String service : SERVICES) {
            times.put(service, ProcessHandle.of(platform.pid(service)).map(BatchProfile::cpu).orElse(Duration.ZERO));
        }
        times.put("bench JVM (client + Kafka broker)", cpu(ProcessHandle.current()));
        return times;
    }

    private static Duration cpu(ProcessHandle process) {
        return process.info().totalCpuDuration().orElse(Duration.ZERO);
    }

    private static Connection connect(LocalPlatform platform) throws SQLException {
        return BenchSupport.database(platform, "records");
    }
}
