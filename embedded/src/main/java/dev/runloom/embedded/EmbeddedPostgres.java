package dev.runloom.embedded;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * A PostgreSQL server run from zonky's pre-built binaries (PostgreSQL 17, linux-amd64), for the
 * local launcher and for tests. zonky 2.x runs its binaries under {@code unshare -U}, so they start as root, which Debian's refuse.
 *
 * <p>With a data directory the cluster survives restarts: zonky runs {@code initdb} only when the
 * directory holds no {@code postgresql.conf}. Without one, a temporary directory is used and
 * deleted on {@link #close()}.
 *
 * <p>Authentication is by password (SCRAM-SHA-256) for every connection, local socket or TCP:
 * zonky's {@code initdb -A trust} is replaced at the first start by a {@code pg_hba.conf} that
 * wants SCRAM, and the superuser gets a generated password (256 random bits), kept in the data
 * directory ({@value #PASSWORD_FILE}, mode 0600) so restarts find it. {@link #password()} gives it
 * to the callers that wire services. The server listens on localhost only.
 */
public final class EmbeddedPostgres implements AutoCloseable {

    private static final String SUPERUSER = "postgres";
    /** zonky's own lock file in the data directory; held by the JVM that runs the server. */
    private static final String ZONKY_LOCK_FILE = "epg-lock";
    /** The superuser's generated password, in the data directory (PostgreSQL ignores foreign files there). */
    static final String PASSWORD_FILE = "runloom-superuser-password";

    private volatile io.zonky.test.db.postgres.embedded.EmbeddedPostgres pg;
    private final Path dataDir;
    private final boolean durable;
    private final boolean temporary;
    private final String password;

    private EmbeddedPostgres(io.zonky.test.db.postgres.embedded.EmbeddedPostgres pg, Path dataDir, boolean durable,
                             boolean temporary, String password) {
        this.pg = pg;
        this.password = password;
        this.dataDir = dataDir;
        this.durable = durable;
        this.temporary = temporary;
    }

    /** A durable server (fsync and synchronous commit on), as the local launcher wants. */
    public static EmbeddedPostgres start(Path dataDirOrNull, int portOrZero) {
        return start(dataDirOrNull, portOrZero, true);
    }

    /**
     * @param dataDirOrNull where the cluster lives; {@code null} for a temporary, deleted one
     * @param portOrZero    TCP port on localhost; 0 picks a free one
     * @param durable       false trades crash safety for speed (tests): no fsync, no synchronous
     *                      commit, no full-page writes. A clean {@link #close()} still keeps data.
     */
    public static EmbeddedPostgres start(Path dataDirOrNull, int portOrZero, boolean durable) {
        try {
            Path dir;
            if (dataDirOrNull != null) {
                dir = dataDirOrNull.toAbsolutePath();
                Files.createDirectories(dir);
                stopOrphanedPostmaster(dir);
            } else {
                // Deleted on close. Placed in zonky's working directory rather than a plain temp dir
                // because zonky sweeps that one on every start: a server orphaned by a killed test
                // JVM is stopped there after 10 minutes.
                dir = zonkyWorkingDirectory().resolve(UUID.randomUUID().toString());
            }
            String password = storedPassword(dir).orElseGet(EmbeddedPostgres::newPassword);
            io.zonky.test.db.postgres.embedded.EmbeddedPostgres pg = builder(dir, portOrZero, durable, password).start();
            requirePassword(pg, dir, password);
            return new EmbeddedPostgres(pg, dir, durable, dataDirOrNull == null, password);
        } catch (IOException e) {
            throw new UncheckedIOException("could not start embedded PostgreSQL in " + dataDirOrNull, e);
        } catch (SQLException e) {
            throw new IllegalStateException("could not set the password of embedded PostgreSQL in " + dataDirOrNull, e);
        }
    }

    /**
     * System property that makes servers started afterwards load {@code pg_stat_statements} (and time
     * their I/O), for profiling a benchmark's statements ({@code bench/run --profile}). Off by default:
     * it costs every statement a little.
     */
    public static final String STATEMENT_STATISTICS_PROPERTY = "runloom.embedded.pg-stat-statements";

    private static io.zonky.test.db.postgres.embedded.EmbeddedPostgres.Builder builder(Path dir, int port, boolean durable,
                                                                                      String password) {
        var builder = io.zonky.test.db.postgres.embedded.EmbeddedPostgres.builder();
        if (Boolean.getBoolean(STATEMENT_STATISTICS_PROPERTY)) {
            builder.setServerConfig("shared_preload_libraries", "pg_stat_statements")
                    .setServerConfig("track_io_timing", "on");
        }
        return builder
                .setPort(port)
                // zonky's readiness check connects as the superuser: with SCRAM in force it needs the password
                // (on the very first start, still under trust, any password is accepted)
                .setConnectConfig("password", password)
                .setServerConfig("password_encryption", "scram-sha-256")
                // first start of a JVM unpacks the binaries; a loaded 2-core box can be slow
                .setPGStartupWait(Duration.ofSeconds(60))
                .setServerConfig("max_connections", "300")
                .setServerConfig("timezone", "UTC")
                // zonky always passes -F (fsync off) and synchronous_commit=off; durable mode
                // turns both back on (a later -c on the command line wins over -F).
                .setServerConfig("fsync", durable ? "on" : "off")
                .setServerConfig("synchronous_commit", durable ? "on" : "off")
                .setServerConfig("full_page_writes", durable ? "on" : "off")
                // PostgreSQL's defaults (128 MB of buffers, a checkpoint per GB of WAL) are sized for a small
                // shared host: a 100,000-record batch writes a few GB of WAL, and every checkpoint mid-batch
                // makes the next write of each page log the whole page. A server dedicated to the platform
                // gets the settings the machine's ceiling was measured with (../shared/tools/ceiling).
                .setServerConfig("shared_buffers", durable ? "1GB" : "128MB")
                .setServerConfig("max_wal_size", durable ? "8GB" : "1GB")
                .setServerConfig("checkpoint_timeout", durable ? "30min" : "5min")
                // A durable server belongs to the launcher, which stops it after the services
                // that use it; zonky's own JVM hook would stop it under their feet on Ctrl-C.
                .setRegisterShutdownHook(!durable)
                // the data outlives a restart (see restart()); a temporary directory is deleted by close()
                .setDataDirectory(dir).setCleanDataDirectory(false);
    }

    /**
     * Stops the server (open sessions are terminated, as in any PostgreSQL restart), keeps it down
     * for {@code downtime}, and starts it again on the same port and data: for fault tests.
     */
    public synchronized void restart(Duration downtime) {
        int port = port();
        try {
            pg.close();
            Thread.sleep(downtime.toMillis());
            pg = builder(dataDir, port, durable, password).start();
        } catch (IOException e) {
            throw new UncheckedIOException("could not restart embedded PostgreSQL on port " + port, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while PostgreSQL was down", e);
        }
    }

    public int port() {
        return pg.getPort();
    }

    /** The postmaster's process id (its backends are its children), from {@code postmaster.pid}; -1 if unknown. */
    public long serverPid() {
        try {
            return Long.parseLong(Files.readAllLines(dataDir.resolve("postmaster.pid")).get(0).trim());
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** Batched inserts are rewritten into multi-row INSERTs: ~15x the write throughput (DESIGN §6). */
    public String jdbcUrl(String database) {
        return "jdbc:postgresql://localhost:" + port() + "/" + database + "?reWriteBatchedInserts=true";
    }

    public String username() {
        return SUPERUSER;
    }

    /** The superuser's generated password (SCRAM-SHA-256 on the server; kept in the data directory). */
    public String password() {
        return password;
    }

    /** Creates the database unless it exists; safe to call concurrently from several JVMs. */
    public void createDatabaseIfMissing(String name) {
        try (Connection c = DriverManager.getConnection(jdbcUrl("postgres"), username(), password())) {
            try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
                ps.setString(1, name);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        return;
                    }
                }
            }
            try (Statement st = c.createStatement()) {
                st.execute("CREATE DATABASE " + quoteIdentifier(name));
            } catch (SQLException e) {
                if (!"42P04".equals(e.getSQLState())) { // duplicate_database: someone else won the race
                    throw e;
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not create database " + name, e);
        }
    }

    /** Fast shutdown (open sessions are terminated); deletes the data only if it was temporary. */
    @Override
    public void close() {
        try {
            pg.close();
            if (temporary) {
                try (var paths = Files.walk(dataDir)) {
                    paths.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Where zonky unpacks its binaries and looks for stale data directories. */
    private static Path zonkyWorkingDirectory() {
        return Path.of(System.getProperty("ot.epg.working-dir",
                Path.of(System.getProperty("java.io.tmpdir"), "embedded-pg").toString()));
    }

    private static Optional<String> storedPassword(Path dir) throws IOException {
        Path file = dir.resolve(PASSWORD_FILE);
        return Files.exists(file) ? Optional.of(Files.readString(file).trim()).filter(p -> !p.isEmpty()) : Optional.empty();
    }

    private static String newPassword() {
        byte[] bytes = new byte[32];
        new java.security.SecureRandom().nextBytes(bytes);
        return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /**
     * Makes the running server want the password: the superuser's is set (SCRAM, as
     * {@code password_encryption} says), the password file written 0600, {@code pg_hba.conf}
     * rewritten to SCRAM for every connection and the configuration reloaded. Idempotent, so it runs
     * on every start; a cluster created by an older version (trust, no password file) is converted.
     */
    private static void requirePassword(io.zonky.test.db.postgres.embedded.EmbeddedPostgres pg, Path dir, String password)
            throws SQLException, IOException {
        String url = "jdbc:postgresql://localhost:" + pg.getPort() + "/postgres";
        try (Connection c = DriverManager.getConnection(url, SUPERUSER, password); Statement st = c.createStatement()) {
            // ALTER ROLE takes no bind parameters; the password is url-safe base64, nothing to escape
            st.execute("SET password_encryption = 'scram-sha-256'");
            st.execute("ALTER ROLE " + SUPERUSER + " PASSWORD '" + password.replace("'", "''") + "'");
            Path file = dir.resolve(PASSWORD_FILE);
            if (!Files.exists(file)) {
                Files.writeString(file, password);
            }
            ownerOnly(file);
            Files.writeString(dir.resolve("pg_hba.conf"), """
                    # Written by Runloom's embedded PostgreSQL: a password (SCRAM-SHA-256) for every connection.
                    local all all scram-sha-256
                    host  all all 127.0.0.1/32 scram-sha-256
                    host  all all ::1/128 scram-sha-256
                    """);
            st.execute("SELECT pg_reload_conf()");
        }
    }

    private static void ownerOnly(Path file) throws IOException {
        try {
            Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system (Windows): the data directory's own ACL applies
        }
    }

    static String quoteIdentifier(String name) {
        return '"' + name.replace("\"", "\"\"") + '"';
    }

    /**
     * A JVM killed with SIGKILL leaves its postmaster running: the next start would then fail, or
     * worse, talk to the orphan. zonky holds {@code epg-lock} for as long as its JVM lives, so if we
     * can take that lock the postmaster named in {@code postmaster.pid} has no owner and we stop it.
     * If the lock is taken, the directory belongs to a live server and we refuse to touch it.
     */
    private static void stopOrphanedPostmaster(Path dir) throws IOException {
        Path pidFile = dir.resolve("postmaster.pid");
        if (!Files.exists(pidFile)) {
            return;
        }
        try (FileOutputStream out = new FileOutputStream(dir.resolve(ZONKY_LOCK_FILE).toFile());
             FileLock lock = out.getChannel().tryLock()) {
            if (lock == null) {
                throw new IllegalStateException("PostgreSQL data directory " + dir + " is in use by another process");
            }
            Optional<ProcessHandle> orphan = postmaster(pidFile);
            if (orphan.isEmpty()) {
                return; // stale pid file: postgres itself copes with that
            }
            ProcessHandle p = orphan.get();
            p.destroy(); // SIGTERM = smart shutdown; the dead JVM's sessions are already gone
            try {
                p.onExit().get(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new IllegalStateException("orphaned postmaster " + p.pid() + " on " + dir + " did not stop", e);
            }
        } catch (OverlappingFileLockException e) {
            throw new IllegalStateException("PostgreSQL data directory " + dir + " is in use in this JVM", e);
        }
    }

    /** The live process named on the first line of postmaster.pid, if it really is a postgres. */
    private static Optional<ProcessHandle> postmaster(Path pidFile) throws IOException {
        List<String> lines = Files.readAllLines(pidFile);
        if (lines.isEmpty()) {
            return Optional.empty();
        }
        long pid;
        try {
            pid = Long.parseLong(lines.get(0).trim());
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
        return ProcessHandle.of(pid)
                .filter(ProcessHandle::isAlive)
                .filter(p -> p.info().command().map(cmd -> cmd.endsWith("/postgres")).orElse(false));
    }
}
