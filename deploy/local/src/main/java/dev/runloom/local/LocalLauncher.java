package dev.runloom.local;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * {@code ./runloom}: starts the whole platform locally and keeps it running until Ctrl-C or
 * SIGTERM. Environment: {@code RUNLOOM_PORT} (gateway port, default 8080), {@code RUNLOOM_DATA_DIR}
 * (default {@code ./.runloom-data}), {@code RUNLOOM_API_KEY} (otherwise a key is generated once and
 * kept in the data directory), {@code RUNLOOM_ORG_ID} (default {@code org_local}).
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

        System.out.println("Starting Runloom (data in " + dataDir + ") …");
        long started = System.nanoTime();
        LocalPlatform platform = LocalPlatform.start(new LocalPlatform.Options(home, dataDir, port, List.of(apiKey)));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("Stopping Runloom …");
            platform.close();
            System.out.println("Stopped. Data kept in " + dataDir);
            stopped.countDown();
        }, "runloom-shutdown"));
        System.out.printf("%nRunloom is up in %.1f s%n", (System.nanoTime() - started) / 1e9);
        System.out.println("  API:      " + platform.gatewayUrl() + "/v1");
        System.out.println("  API key:  " + key);
        System.out.println("  Kafka:    " + platform.kafkaBootstrapServers());
        System.out.println("  Logs:     " + dataDir.resolve("logs"));
        System.out.println("Press Ctrl-C to stop.");
        stopped.await();
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
