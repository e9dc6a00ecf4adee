package dev.runloom.local;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * One local platform (embedded PostgreSQL + Kafka, the five services as their own JVMs, the gateway on a
 * loopback port) shared by the security suites of this JVM: started by the first class that declares
 * {@code @ExtendWith(SecurityPlatform.class)}, stopped when the test run ends. Two organizations, each
 * with an API key.
 */
@SuppressWarnings("deprecation") // CloseableResource: JUnit versions before 5.13 close only those
public final class SecurityPlatform implements BeforeAllCallback, ExtensionContext.Store.CloseableResource, AutoCloseable {
    public static final String ORG_A = "org_sec_alpha";
    public static final String ORG_B = "org_sec_beta";
    private static final Object LOCK = new Object();
    private static volatile SecurityPlatform started;

    private final LocalPlatform platform;
    private final Path dataDir;
    private final String keyA;
    private final String keyB;

    private SecurityPlatform(LocalPlatform platform, Path dataDir, String keyA, String keyB) {
        this.platform = platform;
        this.dataDir = dataDir;
        this.keyA = keyA;
        this.keyB = keyB;
    }

    /** JUnit's instance: only the hook; the platform itself is {@link #get()}. */
    public SecurityPlatform() {
        this(null, null, null, null);
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        synchronized (LOCK) {
            if (started == null) {
                started = start();
                context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL).put(SecurityPlatform.class.getName(), started);
            }
        }
    }

    public static SecurityPlatform get() {
        if (started == null) {
            throw new IllegalStateException("annotate the test class with @ExtendWith(SecurityPlatform.class)");
        }
        return started;
    }

    private static SecurityPlatform start() throws Exception {
        Path home = Path.of(System.getProperty("runloom.home", "../..")).toAbsolutePath().normalize();
        Path dataDir = Files.createTempDirectory("runloom-security-");
        String keyA = "rt_test_secA_" + Long.toHexString(System.nanoTime()) + "abcdefghijklmnop";
        String keyB = "rt_test_secB_" + Long.toHexString(System.nanoTime()) + "qrstuvwxyz012345";
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        // the fuzz suite sends thousands of requests a minute, malformed keys among them: limits far above that,
        // so it exercises the routes rather than the rate limiter (the gateway's own tests cover the limits)
        Map<String, String> generousLimits = Map.of("RUNLOOM_RATE_LIMIT_PER_KEY", "1000000",
                "RUNLOOM_RATE_LIMIT_PER_ORG", "1000000", "RUNLOOM_RATE_LIMIT_FAILED_AUTH", "1000000");
        LocalPlatform platform = LocalPlatform.start(new LocalPlatform.Options(home, dataDir, port,
                List.of(new LocalPlatform.ApiKey(keyA, ORG_A), new LocalPlatform.ApiKey(keyB, ORG_B)), generousLimits));
        return new SecurityPlatform(platform, dataDir, keyA, keyB);
    }

    public String gatewayUrl() {
        return platform.gatewayUrl();
    }

    public String keyA() {
        return keyA;
    }

    public String keyB() {
        return keyB;
    }

    @Override
    public void close() throws IOException {
        platform.close();
        try (var files = Files.walk(dataDir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
    }
}
