package dev.runloom.local;

import dev.runloom.embedded.EmbeddedKafka;
import dev.runloom.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * N replicas of one of the platform's services, each its own JVM as {@link LocalPlatform} starts
 * it, against a PostgreSQL and a Kafka the caller owns: for benchmarks and fault scenarios that
 * need several copies of one service and none of the others. All replicas share the service's
 * database; each gets its own port and its own log, {@code <logDir>/<service>-<i>.log}.
 *
 * <p>The environment is the one a deployment gives the service (database URL, Kafka, internal
 * secret, database user); {@code extraEnv} is added last and wins, e.g. to point the service at
 * other services' URLs or to tune it.
 */
public final class ServiceReplicas implements AutoCloseable {
    private final ServiceSpec spec;
    private final List<ChildService> replicas = new ArrayList<>();

    private ServiceReplicas(ServiceSpec spec) {
        this.spec = spec;
    }

    /**
     * Creates the service's database unless it exists, starts {@code count} replicas at once and
     * returns when every one answers {@code /health}; stops those already started if one fails.
     *
     * @param home    the repository root (each module's {@code target/} holds its jar and classpath)
     * @param service the service's short name: records, flows, schedules, agents or gateway
     */
    public static ServiceReplicas start(Path home, Path logDir, String service, int count, EmbeddedPostgres postgres,
                                        EmbeddedKafka kafka, Map<String, String> extraEnv) throws Exception {
        ServiceSpec spec = ServiceSpec.ALL.stream().filter(s -> s.name().equals(service)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no service " + service + "; one of "
                        + ServiceSpec.ALL.stream().map(ServiceSpec::name).toList()));
        Files.createDirectories(logDir);
        postgres.createDatabaseIfMissing(spec.database());
        Map<String, String> env = new HashMap<>();
        env.put("RUNLOOM_INTERNAL_SECRET", randomSecret());
        env.put("RUNLOOM_KAFKA_BOOTSTRAP", kafka.bootstrapServers());
        env.put("RUNLOOM_DB_USER", postgres.username());
        env.put("RUNLOOM_DB_PASSWORD", postgres.password());
        env.put(spec.envPrefix() + "_DB_URL", postgres.jdbcUrl(spec.database()));
        postgres.createDatabaseIfMissing(LocalPlatform.GOVERNOR_DATABASE);
        env.put("RUNLOOM_GOVERNOR_DB_URL", postgres.jdbcUrl(LocalPlatform.GOVERNOR_DATABASE));
        env.put("RUNLOOM_GOVERNOR_DB_USER", postgres.username());
        env.put("RUNLOOM_GOVERNOR_DB_PASSWORD", postgres.password());
        env.putAll(extraEnv);

        ServiceReplicas started = new ServiceReplicas(spec);
        try {
            for (int i = 1; i <= count; i++) {
                ServiceSpec replica = new ServiceSpec(spec.name() + "-" + i, spec.module(), spec.mainClass(),
                        spec.envPrefix(), spec.database());
                ChildService child = new ChildService(replica, freePort(), logDir);
                started.replicas.add(child);
                child.start(home, env, List.of());
            }
            ExecutorService waiters = Executors.newFixedThreadPool(count);
            try {
                List<Future<?>> ready = new ArrayList<>();
                for (ChildService child : started.replicas) {
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
            return started;
        } catch (Exception e) {
            started.close();
            throw e;
        }
    }

    /** The database every replica uses (e.g. {@code runloom_schedules}). */
    public String database() {
        return spec.database();
    }

    /** {@code http://127.0.0.1:<port>} of each replica, in start order. */
    public List<String> urls() {
        return replicas.stream().map(ChildService::url).toList();
    }

    /** Stops every replica (SIGTERM, then the hard way), all at once; safe to call twice. */
    @Override
    public void close() {
        List<Thread> stopping = replicas.stream().map(child -> Thread.ofPlatform().start(child::stop)).toList();
        for (Thread t : stopping) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static String randomSecret() {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
