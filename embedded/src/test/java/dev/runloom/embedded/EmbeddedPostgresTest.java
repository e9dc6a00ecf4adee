package dev.runloom.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedPostgresTest {

    @TempDir
    Path dir;

    @Test
    void rowsSurviveARestartOnTheSameDirectory() throws SQLException {
        Path data = dir.resolve("pg");
        long t0 = System.nanoTime();
        try (EmbeddedPostgres pg = EmbeddedPostgres.start(data, 0)) {
            System.out.printf("embedded PostgreSQL (initdb + start) in %d ms%n", (System.nanoTime() - t0) / 1_000_000);
            pg.createDatabaseIfMissing("runloom_it");
            pg.createDatabaseIfMissing("runloom_it"); // second call is a no-op, not an error
            try (Connection c = connect(pg, "runloom_it"); Statement st = c.createStatement()) {
                st.execute("CREATE TABLE note (id int PRIMARY KEY, body text NOT NULL)");
                st.execute("INSERT INTO note VALUES (1, 'kept')");
                assertEquals("on", show(st, "fsync"), "durable mode must undo zonky's -F");
                assertEquals("on", show(st, "synchronous_commit"));
            }
        }
        assertTrue(Files.exists(data.resolve("PG_VERSION")), "a given data directory is never deleted");

        long t1 = System.nanoTime();
        try (EmbeddedPostgres pg = EmbeddedPostgres.start(data, 0)) {
            System.out.printf("embedded PostgreSQL restart in %d ms%n", (System.nanoTime() - t1) / 1_000_000);
            try (Connection c = connect(pg, "runloom_it"); Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT body FROM note WHERE id = 1")) {
                assertTrue(rs.next(), "row written before the restart is gone");
                assertEquals("kept", rs.getString(1));
            }
        }
    }

    @Test
    void temporaryNonDurableServerWorksAndIsRemoved() throws SQLException {
        String dataDir;
        try (EmbeddedPostgres pg = EmbeddedPostgres.start(null, 0, false)) {
            assertTrue(pg.port() > 0);
            assertTrue(pg.jdbcUrl("x").endsWith(":" + pg.port() + "/x?reWriteBatchedInserts=true"));
            pg.createDatabaseIfMissing("Odd \"Name\"");
            try (Connection c = connect(pg, "postgres"); Statement st = c.createStatement()) {
                assertEquals("off", show(st, "fsync"));
                assertEquals("off", show(st, "synchronous_commit"));
                assertEquals("300", show(st, "max_connections"));
                dataDir = show(st, "data_directory");
                try (ResultSet rs = st.executeQuery("SELECT count(*) FROM pg_database WHERE datname = 'Odd \"Name\"'")) {
                    rs.next();
                    assertEquals(1, rs.getInt(1));
                }
            }
        }
        assertTrue(Path.of(dataDir).getParent().endsWith("embedded-pg"), "zonky sweeps orphans only there: " + dataDir);
        assertFalse(Files.exists(Path.of(dataDir)), "temporary data directory left behind: " + dataDir);
    }

    /** Locally too, PostgreSQL wants a password: SCRAM, generated once, kept 0600 in the data directory. */
    @Test
    void requiresTheGeneratedPasswordAndKeepsItAcrossRestarts() throws Exception {
        Path data = dir.resolve("pg");
        String password;
        try (EmbeddedPostgres pg = EmbeddedPostgres.start(data, 0, false)) {
            password = pg.password();
            assertTrue(password.length() >= 43, "256 random bits, url-safe base64");
            SQLException refused = org.junit.jupiter.api.Assertions.assertThrows(SQLException.class,
                    () -> DriverManager.getConnection(pg.jdbcUrl("postgres"), pg.username(), "postgres").close());
            assertEquals("28P01", refused.getSQLState(), "wrong password must be refused: " + refused.getMessage());
            try (Connection c = connect(pg, "postgres"); Statement st = c.createStatement()) {
                assertEquals("scram-sha-256", show(st, "password_encryption"));
            }
        }
        Path file = data.resolve(EmbeddedPostgres.PASSWORD_FILE);
        assertEquals(password, Files.readString(file).trim());
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        try (EmbeddedPostgres pg = EmbeddedPostgres.start(data, 0, false); Connection c = connect(pg, "postgres")) {
            assertEquals(password, pg.password(), "a restart keeps the password");
        }
    }

    /**
     * A JVM killed with SIGKILL leaves its postmaster running without anyone holding zonky's lock.
     * We fake that by starting the server with pg_ctl directly, then expect start() to stop it.
     */
    @Test
    void orphanedPostmasterIsStoppedBeforeStarting() throws Exception {
        Path data = dir.resolve("pg");
        Path pgCtl;
        try (EmbeddedPostgres pg = EmbeddedPostgres.start(data, 0, false)) {
            String postgres = postmasterPid(data).info().command().orElseThrow();
            pgCtl = Path.of(postgres).resolveSibling("pg_ctl");
        }
        List<String> command = new ArrayList<>();
        if ("root".equals(System.getProperty("user.name"))) {
            command.addAll(List.of("unshare", "-U")); // how zonky gets PostgreSQL to run as root
        }
        command.addAll(List.of(pgCtl.toString(), "-D", data.toString(), "-o", "-p " + freePort(), "-w", "start"));
        Process p = new ProcessBuilder(command)
                .redirectErrorStream(true).redirectOutput(dir.resolve("pg_ctl.log").toFile()).start();
        assertEquals(0, p.waitFor(), () -> read(dir.resolve("pg_ctl.log")));
        ProcessHandle orphan = postmasterPid(data);
        assertTrue(orphan.isAlive());

        try (EmbeddedPostgres pg = EmbeddedPostgres.start(data, 0, false);
             Connection c = connect(pg, "postgres"); Statement st = c.createStatement()) {
            assertFalse(orphan.isAlive(), "orphaned postmaster still running");
            assertEquals("off", show(st, "fsync"));
        }
    }

    private static int freePort() throws java.io.IOException {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static ProcessHandle postmasterPid(Path data) throws java.io.IOException {
        long pid = Long.parseLong(Files.readAllLines(data.resolve("postmaster.pid")).get(0).trim());
        return ProcessHandle.of(pid).orElseThrow();
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (java.io.IOException e) {
            return e.toString();
        }
    }

    private static Connection connect(EmbeddedPostgres pg, String db) throws SQLException {
        return DriverManager.getConnection(pg.jdbcUrl(db), pg.username(), pg.password());
    }

    private static String show(Statement st, String setting) throws SQLException {
        try (ResultSet rs = st.executeQuery("SHOW " + setting)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
