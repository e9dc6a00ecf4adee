package dev.runloom.embedded;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;

/**
 * A single-node Kafka cluster in this JVM: one KRaft node acting as broker and controller, built
 * from Apache Kafka's own server artifacts (kafka_2.13 + kafka-server, same version as the
 * kafka-clients on the classpath or the broker fails with NoSuchMethodError).
 *
 * <p>Storage lives in {@code <dataDir>/logs}. It is formatted once; a later start on the same
 * directory finds {@code meta.properties} and keeps the cluster id, topics, offsets and messages.
 * Without a data directory a temporary one is used and deleted on {@link #close()}.
 *
 * <p>Listeners bind to 127.0.0.1 only. Automatic topic creation is off, as it usually is in
 * production: services create their topics up front (see DESIGN §6 on idempotent producers and
 * fresh topics), and a forgotten topic should fail here rather than only in production.
 *
 * <p>Logging: the broker logs through SLF4J under {@code kafka}, {@code org.apache.kafka} and
 * {@code state.change.logger} (plus one line from {@code org.apache.zookeeper}), copiously at INFO.
 * Applications that embed it (the local launcher) must set those loggers to WARN; this library
 * ships no logging configuration of its own.
 *
 * <p>No shutdown hook is registered: the owner decides the order (services first, then the
 * broker). A JVM that exits without {@link #close()} keeps what it handed to the OS (Kafka relies
 * on the page cache, not fsync), but the next start has to recover the logs, which is slower.
 */
public final class EmbeddedKafka implements AutoCloseable {

    private static final int NODE_ID = 1;

    private final KafkaRaftServer server;
    private final String bootstrapServers;
    private final Path temporaryDir; // non-null only when we own (and must delete) the data dir

    private EmbeddedKafka(KafkaRaftServer server, String bootstrapServers, Path temporaryDir) {
        this.server = server;
        this.bootstrapServers = bootstrapServers;
        this.temporaryDir = temporaryDir;
    }

    public static EmbeddedKafka start(Path dataDirOrNull, int portOrZero) {
        return start(dataDirOrNull, portOrZero, Map.of());
    }

    /**
     * @param dataDirOrNull where the logs live; {@code null} for a temporary, deleted one
     * @param portOrZero    client (PLAINTEXT) port on 127.0.0.1; 0 picks a free one. The controller
     *                      always takes another free port: clients never talk to it, and with a
     *                      static single-voter quorum its address is not stored on disk.
     * @param overrides     broker settings that win over ours (e.g. auto.create.topics.enable)
     */
    public static EmbeddedKafka start(Path dataDirOrNull, int portOrZero, Map<String, String> overrides) {
        Path temporaryDir = null;
        try {
            Path dataDir;
            if (dataDirOrNull == null) {
                temporaryDir = Files.createTempDirectory("embedded-kafka");
                dataDir = temporaryDir;
            } else {
                dataDir = dataDirOrNull.toAbsolutePath();
            }
            Path logDir = dataDir.resolve("logs");
            Files.createDirectories(logDir);

            int[] ports = freePorts(portOrZero);
            Properties props = brokerProperties(logDir, ports[0], ports[1]);
            overrides.forEach(props::setProperty);
            Path configFile = dataDir.resolve("server.properties");
            try (OutputStream out = Files.newOutputStream(configFile)) {
                props.store(out, "written by dev.runloom.embedded.EmbeddedKafka on every start");
            }

            if (!Files.exists(logDir.resolve("meta.properties"))) {
                format(configFile);
            }

            KafkaRaftServer server = new KafkaRaftServer(new KafkaConfig(props, false), Time.SYSTEM);
            try {
                // returns once the broker has caught up with the metadata log and been unfenced
                server.startup();
            } catch (RuntimeException e) {
                server.shutdown();
                server.awaitShutdown();
                throw e;
            }
            return new EmbeddedKafka(server, "127.0.0.1:" + ports[0], temporaryDir);
        } catch (IOException | RuntimeException e) {
            deleteQuietly(temporaryDir);
            throw new IllegalStateException("could not start embedded Kafka in " + dataDirOrNull, e);
        }
    }

    /** host:port for {@code bootstrap.servers}. */
    public String bootstrapServers() {
        return bootstrapServers;
    }

    @Override
    public void close() {
        server.shutdown();
        server.awaitShutdown();
        deleteQuietly(temporaryDir);
    }

    private static Properties brokerProperties(Path logDir, int port, int controllerPort) {
        Properties p = new Properties();
        p.setProperty("process.roles", "broker,controller");
        p.setProperty("node.id", Integer.toString(NODE_ID));
        p.setProperty("controller.quorum.voters", NODE_ID + "@127.0.0.1:" + controllerPort);
        p.setProperty("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
        p.setProperty("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
        p.setProperty("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.setProperty("controller.listener.names", "CONTROLLER");
        p.setProperty("inter.broker.listener.name", "PLAINTEXT");
        p.setProperty("log.dirs", logDir.toString());

        // one node: every internal topic must live with a single replica
        p.setProperty("offsets.topic.replication.factor", "1");
        p.setProperty("transaction.state.log.replication.factor", "1");
        p.setProperty("transaction.state.log.min.isr", "1");
        p.setProperty("min.insync.replicas", "1");
        p.setProperty("default.replication.factor", "1");
        // fewer internal partitions than the default 50: created faster, fewer files on a dev box
        p.setProperty("offsets.topic.num.partitions", "10");
        p.setProperty("transaction.state.log.num.partitions", "10");

        p.setProperty("num.partitions", "4");
        p.setProperty("auto.create.topics.enable", "false");
        p.setProperty("group.initial.rebalance.delay.ms", "0"); // consumers start at once
        // a laptop, not a datacenter: fewer threads, and a log cleaner that does not grab 128 MB
        p.setProperty("num.network.threads", "2");
        p.setProperty("num.io.threads", "4");
        p.setProperty("background.threads", "4");
        p.setProperty("log.cleaner.threads", "1");
        p.setProperty("log.cleaner.dedupe.buffer.size", Integer.toString(16 * 1024 * 1024));
        return p;
    }

    /** kafka-storage.sh format, without the System.exit its main() ends with. */
    private static void format(Path configFile) {
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        String[] args = {"format", "--config", configFile.toString(), "--cluster-id", Uuid.randomUuid().toString()};
        int exitCode;
        try (PrintStream out = new PrintStream(output, true, StandardCharsets.UTF_8)) {
            exitCode = StorageTool.execute(args, out);
        }
        if (exitCode != 0) {
            throw new IllegalStateException("kafka storage format failed (" + exitCode + "): "
                    + output.toString(StandardCharsets.UTF_8));
        }
    }

    /** [client port, controller port]; the sockets are held together so the two differ. */
    private static int[] freePorts(int clientPort) throws IOException {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        try (ServerSocket a = new ServerSocket(clientPort, 0, loopback);
             ServerSocket b = new ServerSocket(0, 0, loopback)) {
            return new int[] {a.getLocalPort(), b.getLocalPort()};
        }
    }

    private static void deleteQuietly(Path dir) {
        if (dir == null) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException ignored) {
            // best effort: a temp dir left behind is harmless
        }
    }
}
