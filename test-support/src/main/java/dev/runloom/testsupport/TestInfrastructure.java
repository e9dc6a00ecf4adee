package dev.runloom.testsupport;

import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import dev.runloom.embedded.EmbeddedKafka;
import dev.runloom.embedded.EmbeddedPostgres;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.PostgreSQLContainer;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * One PostgreSQL server and one Kafka broker per test JVM, shared by every test class in it:
 * starting them costs seconds, a fresh database or topic prefix per test class costs milliseconds.
 *
 * <p>Where they come from, decided once, separately for PostgreSQL and Kafka:
 * <ol>
 *   <li>existing servers named by {@code RUNLOOM_TEST_JDBC_URL} (+ {@code RUNLOOM_TEST_DB_USER},
 *       {@code RUNLOOM_TEST_DB_PASSWORD}) and {@code RUNLOOM_TEST_KAFKA_BOOTSTRAP};</li>
 *   <li>Testcontainers ({@value #POSTGRES_IMAGE}, {@value #KAFKA_IMAGE}) when
 *       {@code RUNLOOM_TEST_INFRA=testcontainers}, or when Docker is available;</li>
 *   <li>otherwise in-JVM embedded servers in non-durable mode ({@code RUNLOOM_TEST_INFRA=embedded}
 *       forces this and skips the Docker probe).</li>
 * </ol>
 * Each setting may also be given as a system property of the same name.
 *
 * <p>Everything is stopped by a JVM shutdown hook. On an existing server the databases created
 * here are dropped then; topics are not (we do not know which ones the tests created).
 */
public final class TestInfrastructure {

    public static final String POSTGRES_IMAGE = "postgres:17-alpine";
    public static final String KAFKA_IMAGE = "apache/kafka:3.9.1";

    private static final Logger LOG = LoggerFactory.getLogger(TestInfrastructure.class);
    private static final AtomicInteger COUNTER = new AtomicInteger();
    private static final SecureRandom RANDOM = new SecureRandom();
    private static TestInfrastructure instance;

    private final PgServer postgres;
    private final KafkaServer kafka;
    /** Set when PostgreSQL is embedded in this JVM: only then can a fault test restart it. */
    private static volatile EmbeddedPostgres embeddedPostgres;
    private final List<String> createdDatabases = new CopyOnWriteArrayList<>();

    private TestInfrastructure(PgServer postgres, KafkaServer kafka) {
        this.postgres = postgres;
        this.kafka = kafka;
    }

    /** The JVM-wide instance, started on first use. */
    public static synchronized TestInfrastructure get() {
        if (instance == null) {
            long start = System.nanoTime();
            TestInfrastructure created = create(TestInfrastructure::setting);
            LOG.info("test infrastructure ready in {} ms: {}", (System.nanoTime() - start) / 1_000_000, created.description());
            Runtime.getRuntime().addShutdownHook(new Thread(created::stop, "runloom-test-infrastructure-stop"));
            instance = created;
        }
        return instance;
    }

    public String kafkaBootstrapServers() {
        return kafka.bootstrapServers();
    }

    /** Creates a database no other test uses and returns its JDBC URL. */
    public String newDatabase(String prefix) {
        String name = sanitize(prefix) + "_" + COUNTER.incrementAndGet() + "_" + randomHex(3);
        try (Connection c = DriverManager.getConnection(postgres.adminJdbcUrl(), dbUser(), dbPassword());
             Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("could not create test database " + name + " via " + postgres.adminJdbcUrl(), e);
        }
        createdDatabases.add(name);
        return postgres.jdbcUrl(name);
    }

    public String dbUser() {
        return postgres.user();
    }

    public String dbPassword() {
        return postgres.password();
    }

    /**
     * A prefix such as {@code t7x3fa91c.} for a test class's topics. The random part keeps runs
     * apart on a shared broker, where the counter starts from 1 again in every JVM.
     */
    public String uniqueTopicPrefix() {
        return "t" + COUNTER.incrementAndGet() + "x" + randomHex(3) + ".";
    }

    /** True when {@link #restartPostgres} can work (PostgreSQL embedded in this JVM). */
    public boolean canRestartPostgres() {
        return embeddedPostgres != null;
    }

    /**
     * Restarts the JVM's embedded PostgreSQL on the same port, down for {@code downtime}: every open
     * connection of every test in this JVM breaks, as in a real database restart. Fault tests only.
     */
    public void restartPostgres(java.time.Duration downtime) {
        if (embeddedPostgres == null) {
            throw new UnsupportedOperationException("PostgreSQL is not embedded in this JVM: " + description());
        }
        embeddedPostgres.restart(downtime);
    }

    /** Where the servers came from, for test logs: e.g. "postgres=embedded kafka=testcontainers". */
    public String description() {
        return "postgres=" + postgres.origin() + " kafka=" + kafka.origin();
    }

    // ---- choosing and starting the servers --------------------------------------------------

    /** Package-private so a test can build a second instance from made-up settings. */
    static TestInfrastructure create(Function<String, String> settings) {
        String jdbcUrl = settings.apply("RUNLOOM_TEST_JDBC_URL");
        String bootstrap = settings.apply("RUNLOOM_TEST_KAFKA_BOOTSTRAP");
        String mode = settings.apply("RUNLOOM_TEST_INFRA");
        boolean containers = (jdbcUrl == null || bootstrap == null) && useContainers(mode);

        // Kafka in the background: its ~2.5 s start overlaps PostgreSQL's.
        CompletableFuture<KafkaServer> kafka = bootstrap != null
                ? CompletableFuture.completedFuture(new KafkaServer(bootstrap, "external", () -> { }))
                : CompletableFuture.supplyAsync(containers ? TestInfrastructure::kafkaContainer : TestInfrastructure::embeddedKafka);
        PgServer postgres;
        try {
            postgres = jdbcUrl != null
                    ? PgServer.external(jdbcUrl, settings.apply("RUNLOOM_TEST_DB_USER"), settings.apply("RUNLOOM_TEST_DB_PASSWORD"))
                    : containers ? postgresContainer() : embeddedPostgres();
        } catch (RuntimeException e) {
            kafka.thenAccept(KafkaServer::closeQuietly);
            throw e;
        }
        try {
            return new TestInfrastructure(postgres, kafka.join());
        } catch (RuntimeException e) {
            postgres.closeQuietly();
            throw new IllegalStateException("could not start Kafka for tests", e.getCause() != null ? e.getCause() : e);
        }
    }

    private static boolean useContainers(String mode) {
        if (mode == null || mode.isBlank()) {
            // answers false within a second when there is no Docker (DESIGN §6)
            return DockerClientFactory.instance().isDockerAvailable();
        }
        return switch (mode.trim().toLowerCase(Locale.ROOT)) {
            case "testcontainers" -> true;
            case "embedded" -> false;
            default -> throw new IllegalArgumentException("RUNLOOM_TEST_INFRA must be testcontainers or embedded, not " + mode);
        };
    }

    private static PgServer embeddedPostgres() {
        EmbeddedPostgres pg = EmbeddedPostgres.start(null, 0, false);
        embeddedPostgres = pg;
        return new PgServer("jdbc:postgresql://localhost:" + pg.port() + "/", "postgres", "",
                pg.username(), pg.password(), "embedded", pg::close);
    }

    private static KafkaServer embeddedKafka() {
        EmbeddedKafka kafka = EmbeddedKafka.start(null, 0);
        return new KafkaServer(kafka.bootstrapServers(), "embedded", kafka::close);
    }

    @SuppressWarnings("resource") // closed by the shutdown hook
    private static PgServer postgresContainer() {
        PostgreSQLContainer<?> c = new PostgreSQLContainer<>(DockerImageName.parse(POSTGRES_IMAGE))
                // same trade as the embedded server: tests need speed, not crash safety
                .withCommand("postgres", "-c", "fsync=off", "-c", "synchronous_commit=off",
                        "-c", "full_page_writes=off", "-c", "max_connections=300");
        c.start();
        return new PgServer("jdbc:postgresql://" + c.getHost() + ":" + c.getMappedPort(5432) + "/",
                c.getDatabaseName(), "", c.getUsername(), c.getPassword(), "testcontainers", c::stop);
    }

    @SuppressWarnings("resource") // closed by the shutdown hook
    private static KafkaServer kafkaContainer() {
        KafkaContainer c = new KafkaContainer(DockerImageName.parse(KAFKA_IMAGE))
                // match the embedded broker, so a test that passes on one passes on the other
                .withEnv("KAFKA_AUTO_CREATE_TOPICS_ENABLE", "false")
                .withEnv("KAFKA_NUM_PARTITIONS", "4")
                .withEnv("KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS", "0");
        c.start();
        return new KafkaServer(c.getBootstrapServers(), "testcontainers", c::stop);
    }

    private void stop() {
        if (postgres.origin().equals("external")) {
            dropCreatedDatabases();
        }
        kafka.closeQuietly();
        postgres.closeQuietly();
    }

    /** Keeps a shared server from filling up with one database per test class per run. */
    private void dropCreatedDatabases() {
        try (Connection c = DriverManager.getConnection(postgres.adminJdbcUrl(), dbUser(), dbPassword());
             Statement st = c.createStatement()) {
            for (String db : createdDatabases) {
                st.execute("DROP DATABASE IF EXISTS " + db + " WITH (FORCE)"); // FORCE: pools may linger
            }
        } catch (SQLException e) {
            LOG.warn("could not drop test databases {}", createdDatabases, e);
        }
    }

    // ---- small helpers ------------------------------------------------------------------------

    private static String setting(String name) {
        String value = System.getProperty(name, System.getenv(name));
        return value == null || value.isBlank() ? null : value.trim();
    }

    /** Lower-case letters, digits and underscores: a PostgreSQL identifier that needs no quoting. */
    static String sanitize(String prefix) {
        String s = prefix == null ? "" : prefix.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
        if (s.isEmpty() || !Character.isLetter(s.charAt(0))) {
            s = "db_" + s;
        }
        return s.length() > 40 ? s.substring(0, 40) : s; // room for the suffix within 63 bytes
    }

    private static String randomHex(int bytes) {
        byte[] b = new byte[bytes];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    /** A stoppable thing; the checked exception of AutoCloseable is of no use here. */
    interface Stopper {
        void stop() throws Exception;
    }

    /** jdbcUrl(db) = base + db + query; base is "jdbc:postgresql://host:port/". */
    record PgServer(String base, String adminDb, String query, String user, String password,
                    String origin, Stopper stopper) {

        /** Takes the host, port and parameters of any PostgreSQL JDBC URL; its database, if any, becomes the admin database. */
        static PgServer external(String url, String user, String password) {
            String prefix = "jdbc:postgresql://";
            if (!url.startsWith(prefix)) {
                throw new IllegalArgumentException("RUNLOOM_TEST_JDBC_URL must start with " + prefix + ": " + url);
            }
            String rest = url.substring(prefix.length());
            int q = rest.indexOf('?');
            String query = q < 0 ? "" : rest.substring(q + 1);
            String hostAndDb = q < 0 ? rest : rest.substring(0, q);
            int slash = hostAndDb.indexOf('/');
            String hosts = slash < 0 ? hostAndDb : hostAndDb.substring(0, slash);
            String db = slash < 0 || slash == hostAndDb.length() - 1 ? "postgres" : hostAndDb.substring(slash + 1);
            return new PgServer(prefix + hosts + "/", db, query,
                    user == null ? "postgres" : user, password == null ? "" : password, "external", () -> { });
        }

        String adminJdbcUrl() {
            return base + adminDb + (query.isEmpty() ? "" : "?" + query);
        }

        /** Batched inserts rewritten into multi-row INSERTs, as in production (DESIGN §6). */
        String jdbcUrl(String db) {
            String params = query.contains("reWriteBatchedInserts")
                    ? query
                    : (query.isEmpty() ? "" : query + "&") + "reWriteBatchedInserts=true";
            return base + db + "?" + params;
        }

        void closeQuietly() {
            TestInfrastructure.stopQuietly(stopper, "PostgreSQL");
        }
    }

    record KafkaServer(String bootstrapServers, String origin, Stopper stopper) {
        void closeQuietly() {
            TestInfrastructure.stopQuietly(stopper, "Kafka");
        }
    }

    private static void stopQuietly(Stopper stopper, String what) {
        try {
            stopper.stop();
        } catch (Exception e) {
            LOG.warn("could not stop {}", what, e);
        }
    }
}
