package dev.runloom.local;

import dev.runloom.embedded.EmbeddedKafka;
import dev.runloom.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The whole platform on one machine: embedded PostgreSQL and Kafka keeping their data under the
 * data directory (so a restart loses nothing), one database per service, and the five services as
 * child JVMs wired together by environment variables exactly as a deployment would wire them.
 */
public final class LocalPlatform implements AutoCloseable {

    /** An API key and the organization it belongs to. */
    public record ApiKey(String key, String organizationId) {
    }

    /**
     * {@code serviceEnvironment}: extra environment variables for every service JVM, on top of the
     * launcher's own environment, which the JVMs inherit (so {@code RUNLOOM_MODELS_PROVIDERS_OPENAI_API_KEY}
     * exported before {@code ./runloom} reaches flows-service and agents-service); tests use it to point
     * the services at a fake model provider.
     */
    public record Options(Path home, Path dataDir, int gatewayPort, List<ApiKey> apiKeys,
                          Map<String, String> serviceEnvironment) {
        public Options {
            serviceEnvironment = Map.copyOf(serviceEnvironment);
        }

        public Options(Path home, Path dataDir, int gatewayPort, List<ApiKey> apiKeys) {
            this(home, dataDir, gatewayPort, apiKeys, Map.of());
        }
    }

    private final Options options;
    private final List<ChildService> children = new ArrayList<>();
    private EmbeddedPostgres postgres;
    private EmbeddedKafka kafka;
    private ChildService gateway;

    private LocalPlatform(Options options) {
        this.options = options;
    }

    public static LocalPlatform start(Options options) throws Exception {
        LocalPlatform platform = new LocalPlatform(options);
        try {
            platform.startAll();
            return platform;
        } catch (Exception e) {
            platform.close();
            throw e;
        }
    }

    /** The database of the LLM governor's shared state (limits held across every replica). */
    static final String GOVERNOR_DATABASE = "runloom_governor";

    private void startAll() throws Exception {
        Path data = ownerOnlyDirectory(options.dataDir());
        Path logs = ownerOnlyDirectory(data.resolve("logs"));
        postgres = EmbeddedPostgres.start(ownerOnlyDirectory(data.resolve("postgres")), 0, true);
        kafka = EmbeddedKafka.start(ownerOnlyDirectory(data.resolve("kafka")), 0);
        Map<String, String> env = new HashMap<>(options.serviceEnvironment());
        env.put("RUNLOOM_INTERNAL_SECRET", persistentSecret(data.resolve("internal-secret")));
        // API keys are stored as HMACs under their own secret; the admin key opens POST /v1/admin/organizations
        env.put("RUNLOOM_API_KEY_SECRET", persistentSecret(data.resolve("api-key-secret")));
        env.put("RUNLOOM_ADMIN_KEY", adminKey(data));
        env.put("RUNLOOM_KAFKA_BOOTSTRAP", kafka.bootstrapServers());
        env.put("RUNLOOM_DB_USER", postgres.username());
        env.put("RUNLOOM_DB_PASSWORD", postgres.password());
        // the LLM governor's one shared database: flows-service and agents-service replicas share its limits
        postgres.createDatabaseIfMissing(GOVERNOR_DATABASE);
        env.put("RUNLOOM_GOVERNOR_DB_URL", postgres.jdbcUrl(GOVERNOR_DATABASE));
        env.put("RUNLOOM_GOVERNOR_DB_USER", postgres.username());
        env.put("RUNLOOM_GOVERNOR_DB_PASSWORD", postgres.password());
        for (ServiceSpec spec : ServiceSpec.ALL) {
            postgres.createDatabaseIfMissing(spec.database());
            env.put(spec.envPrefix() + "_DB_URL", postgres.jdbcUrl(spec.database()));
            int port = spec.name().equals("gateway") ? options.gatewayPort() : freePort();
            ChildService child = new ChildService(spec, port, logs);
            env.put(spec.envPrefix() + "_URL", child.url());
            children.add(child);
            if (spec.name().equals("gateway")) {
                gateway = child;
            }
        }
        ApiKey first = options.apiKeys().getFirst();
        env.put("RUNLOOM_API_KEY", first.key());
        env.put("RUNLOOM_ORG_ID", first.organizationId());
        // Further keys (other organizations) go to the gateway as indexed configuration properties.
        List<String> keyProperties = new ArrayList<>();
        for (int i = 1; i < options.apiKeys().size(); i++) {
            ApiKey key = options.apiKeys().get(i);
            keyProperties.add("-Drunloom.gateway.api-keys[" + (i - 1) + "].key=" + key.key());
            keyProperties.add("-Drunloom.gateway.api-keys[" + (i - 1) + "].organization-id=" + key.organizationId());
        }

        // Start all JVMs at once (they wait for nothing but PostgreSQL and Kafka), then wait for each.
        for (ChildService child : children) {
            child.start(options.home(), env, child == gateway ? keyProperties : List.of());
        }
        ExecutorService waiters = Executors.newFixedThreadPool(children.size());
        try {
            List<Future<?>> ready = new ArrayList<>();
            for (ChildService child : children) {
                ready.add(waiters.submit(() -> {
                    child.awaitHealthy(Duration.ofSeconds(180));
                    return null;
                }));
            }
            for (Future<?> f : ready) {
                f.get();
            }
        } finally {
            waiters.shutdownNow();
        }
    }

    public String gatewayUrl() {
        return "http://" + ChildService.LOOPBACK + ":" + gateway.port();
    }

    /** The HTTP port of every service JVM, the gateway's included. */
    List<Integer> servicePorts() {
        return children.stream().map(ChildService::port).toList();
    }

    /** The embedded PostgreSQL, for tools that load or inspect a service's database directly (benchmarks). */
    public EmbeddedPostgres postgres() {
        return postgres;
    }

    /** JDBC URL of a service's database ({@code records}, {@code flows} …), for benchmarks that compare with raw SQL. */
    public String jdbcUrl(String service) {
        return postgres.jdbcUrl(child(service).spec().database());
    }

    public String databaseUser() {
        return postgres.username();
    }

    public String databasePassword() {
        return postgres.password();
    }

    /** The process id of a service's JVM, e.g. to sample its heap during a benchmark. */
    public long pid(String service) {
        return child(service).pid();
    }

    /** The directory holding each service's log ({@code records.log} …). */
    public Path logDir() {
        return options.dataDir().resolve("logs");
    }

    private ChildService child(String service) {
        return children.stream().filter(c -> c.spec().name().equals(service)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no service " + service));
    }

    public String kafkaBootstrapServers() {
        return kafka.bootstrapServers();
    }

    /**
     * Reads a secret from the data directory, creating it on first start so restarts keep it. The
     * file is readable by its owner only (0600): anyone who can read the internal secret can sign
     * tokens for any organization. A file left by an older version with wider permissions is narrowed.
     */
    static String persistentSecret(Path file) {
        try {
            ownerOnlyDirectory(file.getParent());
            if (Files.exists(file)) {
                ownerOnly(file, OWNER_ONLY_FILE);
                return Files.readString(file, StandardCharsets.UTF_8).trim();
            }
            byte[] bytes = new byte[32];
            new SecureRandom().nextBytes(bytes);
            String secret = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
            // created 0600 from the start, never world-readable for an instant
            Files.createFile(file, PosixFilePermissions.asFileAttribute(OWNER_ONLY_FILE));
            Files.writeString(file, secret, StandardCharsets.UTF_8);
            return secret;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The operator's admin key, kept (0600) in the data directory: {@code ./runloom admin create-org} reads it. */
    static String adminKey(Path dataDir) {
        return "rt_live_" + persistentSecret(dataDir.resolve("admin-key"));
    }

    private static final Set<PosixFilePermission> OWNER_ONLY_FILE = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> OWNER_ONLY_DIRECTORY = PosixFilePermissions.fromString("rwx------");

    /** Creates the directory if needed and makes it the owner's alone (0700): logs and data hold tenants' data. */
    static Path ownerOnlyDirectory(Path dir) throws IOException {
        Files.createDirectories(dir);
        ownerOnly(dir, OWNER_ONLY_DIRECTORY);
        return dir;
    }

    private static void ownerOnly(Path path, Set<PosixFilePermission> permissions) throws IOException {
        if (!Files.getPosixFilePermissions(path).equals(permissions)) {
            Files.setPosixFilePermissions(path, permissions);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    @Override
    public void close() {
        for (int i = children.size() - 1; i >= 0; i--) {
            children.get(i).stop();
        }
        if (kafka != null) {
            kafka.close();
        }
        if (postgres != null) {
            postgres.close();
        }
    }
}
