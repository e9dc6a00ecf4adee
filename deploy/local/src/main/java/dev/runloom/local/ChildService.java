package dev.runloom.local;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A service running in its own JVM, as it would in production: own classpath, own heap, its output
 * in {@code <data>/logs/<name>.log}. Separate processes keep the services honest (no shared
 * singletons, real HTTP and Kafka between them) at the price of a few seconds of start-up.
 */
final class ChildService {
    private final ServiceSpec spec;
    private final int port;
    private final Path logFile;
    private Process process;
    // what the last start used, so a restart (after a kill) brings the same service back on the same port
    private Path home;
    private Map<String, String> env;
    private List<String> systemProperties;

    ChildService(ServiceSpec spec, int port, Path logDir) {
        this.spec = spec;
        this.port = port;
        this.logFile = logDir.resolve(spec.name() + ".log");
    }

    ServiceSpec spec() {
        return spec;
    }

    int port() {
        return port;
    }

    /** The service JVM's process id (benchmarks sample its heap); -1 before it started. */
    long pid() {
        return process == null ? -1 : process.pid();
    }

    static final String LOOPBACK = "127.0.0.1";
    static final String JVM_OPTIONS_VARIABLE = "RUNLOOM_SERVICE_JVM_OPTIONS";

    String url() {
        return "http://127.0.0.1:" + port;
    }

    void start(Path home, Map<String, String> env, List<String> systemProperties) throws IOException {
        this.home = home;
        this.env = Map.copyOf(env);
        this.systemProperties = List.copyOf(systemProperties);
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.addAll(List.of("-Xms64m", "-Xmx512m", "-XX:+UseParallelGC"));
        // extra JVM options for every service, e.g. -XX:TieredStopAtLevel=1 to start many JVMs on few cores
        String extra = env.getOrDefault(JVM_OPTIONS_VARIABLE, System.getenv(JVM_OPTIONS_VARIABLE));
        if (extra != null && !extra.isBlank()) {
            command.addAll(List.of(extra.trim().split("\\s+")));
        }
        command.addAll(systemProperties);
        command.addAll(List.of("-cp", classpath(home), spec.mainClass()));
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
        // the environment starts as the launcher's own (RUNLOOM_MODELS_* provider settings and keys pass through)
        builder.environment().putAll(env);
        builder.environment().put(spec.envPrefix() + "_PORT", Integer.toString(port));
        // a closed interior: locally every service, the gateway included, listens on loopback only
        // (Micronaut reads MICRONAUT_SERVER_HOST as micronaut.server.host)
        builder.environment().put("MICRONAUT_SERVER_HOST", LOOPBACK);
        // this replica's stable name: in its Kafka client ids (and its static group membership, when enabled)
        builder.environment().put("RUNLOOM_INSTANCE_ID", spec.name());
        process = builder.start();
    }

    /** Starts the service again as it was started before (same port, environment and log), e.g. after {@link #kill()}. */
    void restart() throws IOException {
        if (home == null) {
            throw new IllegalStateException(spec.name() + " was never started");
        }
        if (process != null && process.isAlive()) {
            throw new IllegalStateException(spec.name() + " is still running");
        }
        start(home, env, systemProperties);
    }

    /** {@code kill -9}: no shutdown hook, no drain, no offset commit, connections cut. Returns once the process is gone. */
    void kill() throws InterruptedException {
        if (process == null || !process.isAlive()) {
            return;
        }
        process.destroyForcibly(); // SIGKILL on Linux
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException(spec.name() + " (pid " + process.pid() + ") survived SIGKILL for 30 s");
        }
    }

    boolean alive() {
        return process != null && process.isAlive();
    }

    /** The service's own jar followed by its runtime dependencies, as its Maven build wrote them. */
    private String classpath(Path home) throws IOException {
        Path target = home.resolve(spec.module()).resolve("target");
        Path classpathFile = target.resolve("runtime-classpath.txt");
        if (!Files.exists(classpathFile)) {
            throw new IllegalStateException(classpathFile + " is missing: build first with ./mvnw -DskipTests package");
        }
        try (var jars = Files.list(target)) {
            Path jar = jars.filter(p -> p.getFileName().toString().matches(spec.module() + "-.*\\.jar"))
                    .findFirst()
                    .orElseThrow(() -> new IllegalStateException("no " + spec.module() + " jar in " + target));
            return jar + java.io.File.pathSeparator + Files.readString(classpathFile).trim();
        }
    }

    /** Waits until {@code /health} answers 200; fails early, with the log's tail, if the JVM died. */
    void awaitHealthy(Duration timeout) throws IOException, InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException(spec.name() + " exited with " + process.exitValue() + ":\n" + logTail());
            }
            try {
                HttpResponse<Void> response = http.send(HttpRequest.newBuilder(URI.create(url() + "/health"))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding());
                if (response.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // still starting
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException(spec.name() + " not healthy after " + timeout + ":\n" + logTail());
    }

    String logTail() {
        try {
            List<String> lines = Files.readAllLines(logFile);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    /** SIGTERM first so the service drains (commits offsets, closes pools), then the hard way. */
    void stop() {
        if (process == null || !process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
