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
 *
 * <p>With {@link Options#replicas()} N &gt; 1 every service runs as N JVMs ({@code flows-1} …
 * {@code flows-N}, each its own port and log): a service's URL variable ({@code RUNLOOM_FLOWS_URL})
 * lists all its replicas, comma-separated, and the gateway and the services' internal clients go
 * round robin over them. The first gateway replica listens on {@link Options#gatewayPort()}.
 *
 * <p>For fault tests a replica can be killed ({@code kill -9}) and started again on its port, and the
 * broker and the database restarted on theirs ({@link #restartKafka}, {@link #restartPostgres}).
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
                          Map<String, String> serviceEnvironment, int replicas) {
        public Options {
            serviceEnvironment = Map.copyOf(serviceEnvironment);
            if (replicas < 1) {
                throw new IllegalArgumentException("replicas must be at least 1, not " + replicas);
            }
        }

        public Options(Path home, Path dataDir, int gatewayPort, List<ApiKey> apiKeys,
                       Map<String, String> serviceEnvironment) {
            this(home, dataDir, gatewayPort, apiKeys, serviceEnvironment, 1);
        }

        public Options(Path home, Path dataDir, int gatewayPort, List<ApiKey> apiKeys) {
            this(home, dataDir, gatewayPort, apiKeys, Map.of());
        }

        /** The same platform with {@code count} replicas of every service. */
        public Options withReplicas(int count) {
            return new Options(home, dataDir, gatewayPort, apiKeys, serviceEnvironment, count);
        }
    }

    private final Options options;
    private final List<ChildService> children = new ArrayList<>();
    private EmbeddedPostgres postgres;
    private EmbeddedKafka kafka;
    private Path kafkaDir;
    private int kafkaPort;
    private final List<ChildService> gateways = new ArrayList<>();
    private String internalSecret;

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
        kafkaDir = ownerOnlyDirectory(data.resolve("kafka"));
        kafka = startKafkaOnItsPort();
        Map<String, String> env = new HashMap<>(options.serviceEnvironment());
        internalSecret = persistentSecret(data.resolve("internal-secret"));
        env.put("RUNLOOM_INTERNAL_SECRET", internalSecret);
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
        int replicas = options.replicas();
        for (ServiceSpec spec : ServiceSpec.ALL) {
            postgres.createDatabaseIfMissing(spec.database());
            env.put(spec.envPrefix() + "_DB_URL", postgres.jdbcUrl(spec.database()));
            List<String> urls = new ArrayList<>();
            for (int i = 1; i <= replicas; i++) {
                boolean gateway = spec.name().equals("gateway");
                int port = gateway && i == 1 ? options.gatewayPort() : freePort();
                ServiceSpec replica = replicas == 1 ? spec : new ServiceSpec(spec.name() + "-" + i, spec.module(),
                        spec.mainClass(), spec.envPrefix(), spec.database());
                ChildService child = new ChildService(replica, port, logs);
                urls.add(child.url());
                children.add(child);
                if (gateway) {
                    gateways.add(child);
                }
            }
            env.put(spec.envPrefix() + "_URL", String.join(",", urls));
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

        // In waves: the first replica of every service at once (they wait for nothing but PostgreSQL and
        // Kafka), then the others together. Fifteen JVMs starting at once on two cores starve each other
        // and the in-process broker; the first wave also creates the topics and runs the migrations.
        List<ChildService> firstWave = children.stream().filter(c -> children.indexOf(c) % replicas == 0).toList();
        List<ChildService> rest = children.stream().filter(c -> !firstWave.contains(c)).toList();
        for (List<ChildService> wave : List.of(firstWave, rest)) {
            for (ChildService child : wave) {
                child.start(options.home(), env, gateways.contains(child) ? keyProperties : List.of());
            }
            awaitHealthy(wave, Duration.ofSeconds(300L * Math.max(1, wave.size() / ServiceSpec.ALL.size())));
        }
    }

    private static void awaitHealthy(List<ChildService> wave, Duration patience) throws Exception {
        if (wave.isEmpty()) {
            return;
        }
        ExecutorService waiters = Executors.newFixedThreadPool(wave.size());
        try {
            List<Future<?>> ready = new ArrayList<>();
            for (ChildService child : wave) {
                ready.add(waiters.submit(() -> {
                    child.awaitHealthy(patience);
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

    /** The first gateway replica's URL (on {@link Options#gatewayPort()}). */
    public String gatewayUrl() {
        return gateways.getFirst().url();
    }

    /**
     * The URL of a service's (first replica's) own HTTP port ({@code records}, {@code flows} …), behind the
     * gateway: it answers {@code /v1} only with an internal token (see {@link #internalSecret()}).
     */
    public String serviceUrl(String service) {
        return child(service).url();
    }

    /**
     * The secret the gateway signs its internal tokens with (HMAC, {@code RUNLOOM_INTERNAL_SECRET}; kept
     * 0600 in {@code <data>/internal-secret}), for benchmarks that call a service directly as the gateway
     * would. Whoever holds it can act as any organization: never print it.
     */
    public String internalSecret() {
        return internalSecret;
    }

    /** Every gateway replica's URL, in replica order. */
    public List<String> gatewayUrls() {
        return gateways.stream().map(ChildService::url).toList();
    }

    /** How many replicas of each service run. */
    public int replicas() {
        return options.replicas();
    }

    /**
     * {@code kill -9} of one replica ({@code 1..replicas()}) of a service ({@code records}, {@code flows},
     * {@code schedules}, {@code agents}, {@code gateway}); returns once the process is gone.
     */
    public void kill(String service, int replica) throws InterruptedException {
        replica(service, replica).kill();
    }

    /** Starts a killed replica again (same port, environment, log) and returns once it answers {@code /health}. */
    public void restart(String service, int replica) throws Exception {
        ChildService child = replica(service, replica);
        child.restart();
        child.awaitHealthy(Duration.ofSeconds(300));
    }

    /**
     * Stops the broker (cleanly: its logs are flushed), keeps it down for {@code downtime}, and starts it
     * again on the same port and data: the services' clients reconnect by themselves.
     */
    public synchronized void restartKafka(Duration downtime) throws InterruptedException {
        kafka.close();
        Thread.sleep(downtime.toMillis());
        kafka = EmbeddedKafka.start(kafkaDir, kafkaPort);
    }

    /** Stops PostgreSQL (open sessions are cut), keeps it down for {@code downtime}, starts it again on its port. */
    public void restartPostgres(Duration downtime) {
        postgres.restart(downtime);
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

    /** The process id of a service's (first replica's) JVM, e.g. to sample its heap during a benchmark. */
    public long pid(String service) {
        return child(service).pid();
    }

    /** The process id of one replica ({@code 1..replicas()}) of a service. */
    public long pid(String service, int replica) {
        return replica(service, replica).pid();
    }

    /** The directory holding each service's log ({@code records.log} …). */
    public Path logDir() {
        return options.dataDir().resolve("logs");
    }

    private ChildService child(String service) {
        return replica(service, 1);
    }

    private ChildService replica(String service, int replica) {
        String name = options.replicas() == 1 && replica == 1 ? service : service + "-" + replica;
        return children.stream().filter(c -> c.spec().name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no service replica " + name));
    }

    /**
     * The broker on the port it had before: the one kept in {@code <data>/kafka/port} from an earlier
     * start (a fresh free port the first time, or when another program took it meanwhile), so its
     * address stays the same across restarts of the broker and of the platform.
     */
    private EmbeddedKafka startKafkaOnItsPort() throws IOException {
        Path portFile = kafkaDir.resolve("port");
        if (Files.exists(portFile)) {
            int kept = Integer.parseInt(Files.readString(portFile).trim());
            if (portFree(kept)) {
                kafkaPort = kept;
            }
        }
        if (kafkaPort == 0) {
            kafkaPort = freePort();
            Files.writeString(portFile, Integer.toString(kafkaPort));
        }
        return EmbeddedKafka.start(kafkaDir, kafkaPort);
    }

    private static boolean portFree(int port) {
        try (ServerSocket socket = new ServerSocket(port, 0, java.net.InetAddress.getLoopbackAddress())) {
            return true;
        } catch (IOException taken) {
            return false;
        }
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
        // all at once (each drains for up to 15 s), before the broker and the database they drain into
        List<Thread> stopping = children.stream().map(child -> Thread.ofPlatform().start(child::stop)).toList();
        for (Thread t : stopping) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        if (kafka != null) {
            kafka.close();
        }
        if (postgres != null) {
            postgres.close();
        }
    }
}
