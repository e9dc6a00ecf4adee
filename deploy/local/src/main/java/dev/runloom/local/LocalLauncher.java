package dev.runloom.local;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * {@code ./runloom}: starts the whole platform locally and keeps it running until Ctrl-C or
 * SIGTERM. Environment: {@code RUNLOOM_PORT} (gateway port, default 8080), {@code RUNLOOM_DATA_DIR}
 * (default {@code ./.runloom-data}), {@code RUNLOOM_API_KEY} (otherwise a key is generated once and
 * kept in the data directory), {@code RUNLOOM_ORG_ID} (default {@code org_local}), {@code RUNLOOM_REPLICAS}
 * (JVMs per service, default 1; {@code --replicas N} on the command line wins).
 * {@code ./runloom admin create-org <name>} asks the running platform for a new organization and its
 * first key (see {@link AdminCommand}).
 */
public final class LocalLauncher {
    private LocalLauncher() {
    }

    public static void main(String[] args) throws Exception {
        Path home = Path.of(System.getProperty("runloom.home", ".")).toAbsolutePath().normalize();
        Path dataDir = Path.of(env("RUNLOOM_DATA_DIR", home.resolve(".runloom-data").toString())).toAbsolutePath();
        int port = Integer.parseInt(env("RUNLOOM_PORT", "8080"));
        if (args.length > 0 && args[0].equals("admin")) {
            System.exit(AdminCommand.run(args, dataDir, port));
            return;
        }
        String key = System.getenv("RUNLOOM_API_KEY");
        if (key == null || key.isBlank()) {
            LocalPlatform.ownerOnlyDirectory(dataDir);
            key = "rt_live_" + LocalPlatform.persistentSecret(dataDir.resolve("api-key"));
        }
        LocalPlatform.ApiKey apiKey = new LocalPlatform.ApiKey(key, env("RUNLOOM_ORG_ID", "org_local"));
        int replicas = replicas(args);

        System.out.println("Starting Runloom (data in " + dataDir + (replicas > 1 ? ", " + replicas + " replicas of each service" : "")
                + ") …");
        long started = System.nanoTime();
        LocalPlatform platform = LocalPlatform.start(
                new LocalPlatform.Options(home, dataDir, port, List.of(apiKey)).withReplicas(replicas));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("Stopping Runloom …");
            platform.close();
            System.out.println("Stopped. Data kept in " + dataDir);
            stopped.countDown();
        }, "runloom-shutdown"));
        System.out.printf("%nRunloom is up in %.1f s%n", (System.nanoTime() - started) / 1e9);
        System.out.println("  API:      " + String.join(", ", platform.gatewayUrls().stream().map(u -> u + "/v1").toList()));
        System.out.println("  API key:  " + key);
        System.out.println("  Kafka:    " + platform.kafkaBootstrapServers());
        System.out.println("  Logs:     " + dataDir.resolve("logs"));
        System.out.println("Press Ctrl-C to stop.");
        stopped.await();
    }

    /** {@code --replicas N} (or {@code --replicas=N}), else {@code RUNLOOM_REPLICAS}, else 1. */
    static int replicas(String[] args) {
        String value = env("RUNLOOM_REPLICAS", "1");
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--replicas") && i + 1 < args.length) {
                value = args[++i];
            } else if (args[i].startsWith("--replicas=")) {
                value = args[i].substring("--replicas=".length());
            } else {
                throw new IllegalArgumentException("unknown argument " + args[i]
                        + "; usage: ./runloom [--replicas N] | ./runloom admin create-org <name>");
            }
        }
        int replicas;
        try {
            replicas = Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("replicas must be a whole number, not '" + value + "'");
        }
        if (replicas < 1 || replicas > 16) {
            throw new IllegalArgumentException("replicas must be between 1 and 16, not " + replicas);
        }
        return replicas;
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
