package dev.runloom.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.runloom.local.LocalPlatform;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.runloom.bench.BenchSupport.freePort;
import static dev.runloom.bench.BenchSupport.round;

/**
 * The fault suite: a batch of N records (template + {@code local}-model prompt) per fault, and
 * while it runs one fault is injected — {@code kill -9} of one replica of a service (the second
 * when there are several, the only one otherwise) followed at once by its restart, a restart of
 * the Kafka broker, or a restart of PostgreSQL. After each: the batch must complete by itself with
 * exactly N executions, none of them twice for a record (checked in flows-service's database),
 * counters exact, 2N step results, and N results projected into records-service's database.
 *
 * <p>Figures per fault: when it was injected (records processed by then), how long the batch stood
 * still at most afterwards ({@code longestStall}), the time from the fault until work flowed again
 * after that stall ({@code recovered}, the time-to-recover), how long a killed replica took to be
 * healthy again, and the batch's duration.
 *
 * <p>Usage: {@code bench/run-faults [--records 10000] [--replicas 3]
 * [--faults records,flows,schedules,agents,gateway,kafka,postgres] [--inject-at 0.2] [--batch-minutes 10]}.
 * Starts its own platform in a temporary directory (loopback only), stops it at the end; exit code 1
 * when any check failed.
 */
public final class FaultSuite {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> SERVICES = List.of("records", "flows", "schedules", "agents", "gateway");
    private static final Duration SAMPLE_EVERY = Duration.ofMillis(100);

    private final LocalPlatform platform;
    private final String key;
    private final int records;
    private final double injectAt;
    private final Duration batchTimeout;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2))
            .executor(Executors.newVirtualThreadPerTaskExecutor()).build();
    private final AtomicInteger nextGateway = new AtomicInteger();

    private FaultSuite(LocalPlatform platform, String key, int records, double injectAt, Duration batchTimeout) {
        this.platform = platform;
        this.key = key;
        this.records = records;
        this.injectAt = injectAt;
        this.batchTimeout = batchTimeout;
    }

    public static void main(String[] args) throws Exception {
        String usage = "bench/run-faults [--records N] [--replicas R] [--faults records,flows,schedules,agents,gateway,kafka,postgres]"
                + " [--inject-at 0.2] [--batch-minutes 10]";
        Map<String, String> options = BenchSupport.parse(args, usage);
        int records = Integer.parseInt(options.getOrDefault("records", "10000"));
        int replicas = Integer.parseInt(options.getOrDefault("replicas", "3"));
        List<String> faults = List.of(options.getOrDefault("faults", String.join(",", SERVICES) + ",kafka,postgres").split(","));
        for (String fault : faults) {
            if (!SERVICES.contains(fault) && !fault.equals("kafka") && !fault.equals("postgres")) {
                throw new IllegalArgumentException("unknown fault " + fault + "; usage: " + usage);
            }
        }
        double injectAt = Double.parseDouble(options.getOrDefault("inject-at", "0.2"));
        Duration batchTimeout = Duration.ofMinutes(Long.parseLong(options.getOrDefault("batch-minutes", "10")));

        Path home = Path.of(System.getProperty("runloom.home", ".")).toAbsolutePath();
        Path data = Files.createTempDirectory("runloom-faults");
        String key = "rt_test_faults_" + Long.toHexString(System.nanoTime()) + "0123456789abcdef";
        System.out.printf("Starting a local platform with %d replica(s) of every service in %s …%n", replicas, data);
        long t0 = System.nanoTime();
        boolean passed;
        try (LocalPlatform platform = LocalPlatform.start(new LocalPlatform.Options(home, data, freePort(),
                List.of(new LocalPlatform.ApiKey(key, "org_faults")), BenchSupport.UNTHROTTLED).withReplicas(replicas))) {
            System.out.printf("Up in %.1f s%n", (System.nanoTime() - t0) / 1e9);
            passed = new FaultSuite(platform, key, records, injectAt, batchTimeout).run(faults);
        }
        System.exit(passed ? 0 : 1);
    }

    private boolean run(List<String> faults) throws Exception {
        String type = "faults_" + Long.toHexString(System.currentTimeMillis());
        System.out.printf("Creating %,d records of type %s …%n", records, type);
        createRecords(type);
        String flowId = call("POST", "/v1/flows", """
                {"name":"Fault suite flow","flowSteps":[
                  {"type":"template","name":"Summary","order":1,
                   "config":{"template":"{{_record.name}} from {{_record.metadata.city}}","outputVariable":"summary"}},
                  {"type":"prompt","name":"Classify","order":2,
                   "config":{"model":"local","userPrompt":"Classify this lead: {{summary}}","outputVariable":"label"}}]}""")
                .get("id").asText();

        List<Map<String, Object>> outcomes = new ArrayList<>();
        for (String fault : faults) {
            Map<String, Object> outcome = runOne(fault, flowId, type);
            outcomes.add(outcome);
            System.out.println("  " + outcome);
        }

        System.out.println();
        System.out.printf("Fault suite: %,d records per batch, %d replica(s) of every service, %d cores%n",
                records, platform.replicas(), Runtime.getRuntime().availableProcessors());
        System.out.println("| fault | injected at | longest stall s | time to recover s | replica back s | batch s | executions | duplicated | results | counters | passed |");
        System.out.println("|---|---|---|---|---|---|---|---|---|---|---|");
        boolean allPassed = true;
        for (Map<String, Object> o : outcomes) {
            System.out.printf("| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |%n", o.get("fault"), o.get("injectedAtProcessed"),
                    o.get("longestStallSeconds"), o.get("timeToRecoverSeconds"), o.getOrDefault("replicaBackSeconds", "–"),
                    o.get("batchSeconds"), o.get("executions"), o.get("duplicatedExecutions"), o.get("projectedResults"),
                    o.get("countersExact"), o.get("passed"));
            allPassed &= Boolean.TRUE.equals(o.get("passed"));
        }
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("records", records);
        report.put("replicas", platform.replicas());
        report.put("cores", Runtime.getRuntime().availableProcessors());
        report.put("faults", outcomes);
        Path out = Path.of("bench", "results");
        Files.createDirectories(out);
        Path file = out.resolve("faults-" + System.currentTimeMillis() + ".json");
        Files.writeString(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(report));
        System.out.println("\nJSON written to " + file + (allPassed ? "" : "\nSOME FAULTS FAILED"));
        return allPassed;
    }

    /** One batch with one fault: inject it once enough records are processed, then check everything. */
    private Map<String, Object> runOne(String fault, String flowId, String type) throws Exception {
        int replica = platform.replicas() > 1 ? 2 : 1;
        String label = switch (fault) {
            case "kafka" -> "Kafka broker restart";
            case "postgres" -> "PostgreSQL restart";
            default -> "kill -9 " + fault + (platform.replicas() > 1 ? " (replica " + replica + " of " + platform.replicas() + ")" : " (only replica)");
        };
        System.out.println(label + " …");
        long started = System.nanoTime();
        String batchId = call("POST", "/v1/flows/" + flowId + "/run-on-record-type", "{\"recordType\":\"" + type + "\"}")
                .get("batchId").asText();

        Progress progress = new Progress(batchId);
        Thread sampler = Thread.ofPlatform().daemon().name("progress-" + fault).start(progress);
        try {
            while (progress.processed() < records * injectAt && !progress.finished()) {
                if (System.nanoTime() - started > batchTimeout.toNanos()) {
                    throw new IllegalStateException("batch " + batchId + " made no progress to the fault point");
                }
                Thread.sleep(20);
            }
            int injectedAt = progress.processed();
            long faultAt = System.nanoTime();
            CompletableFuture<Double> replicaBack = null;
            switch (fault) {
                case "kafka" -> platform.restartKafka(Duration.ofSeconds(1));
                case "postgres" -> platform.restartPostgres(Duration.ofSeconds(1));
                default -> {
                    platform.kill(fault, replica);
                    replicaBack = CompletableFuture.supplyAsync(() -> {
                        try {
                            platform.restart(fault, replica);
                            return (System.nanoTime() - faultAt) / 1e9;
                        } catch (Exception e) {
                            throw new IllegalStateException("could not restart " + fault + "-" + replica, e);
                        }
                    });
                }
            }
            double faultSeconds = (System.nanoTime() - faultAt) / 1e9;
            while (!progress.finished()) {
                if (System.nanoTime() - started > batchTimeout.toNanos()) {
                    break;
                }
                Thread.sleep(50);
            }
            double batchSeconds = (System.nanoTime() - started) / 1e9;
            Double back = replicaBack == null ? null : replicaBack.get();

            Map<String, Object> o = new LinkedHashMap<>();
            o.put("fault", label);
            o.put("batchId", batchId);
            o.put("injectedAtProcessed", injectedAt);
            o.put("faultActionSeconds", round(faultSeconds));
            double[] stall = progress.longestStallAfter(faultAt);
            o.put("longestStallSeconds", round(stall[0]));
            o.put("timeToRecoverSeconds", round(stall[1]));
            if (back != null) {
                o.put("replicaBackSeconds", round(back));
            }
            o.put("batchSeconds", round(batchSeconds));
            check(o, batchId);
            return o;
        } finally {
            progress.stop();
            sampler.join(5_000);
        }
    }

    /** Exactly N executions, none twice per record, exact counters, 2N step results, N projected results. */
    private void check(Map<String, Object> o, String batchId) throws Exception {
        JsonNode status = call("GET", "/v1/batch/status/" + batchId, null);
        boolean completed = "completed".equals(status.get("status").asText());
        int processed = status.get("processedRecords").asInt();
        int failed = status.get("failedRecords").asInt();
        long executions;
        long distinctRecords;
        long stepResults;
        try (Connection db = connect("flows")) {
            long[] e = longs(db, "SELECT count(*), count(DISTINCT record_id) FROM flow_executions WHERE batch_id = ?", batchId);
            executions = e[0];
            distinctRecords = e[1];
            stepResults = longs(db, "SELECT count(*) FROM step_results WHERE batch_id = ?", batchId)[0];
        }
        // records-service projects results from events: give it time to catch up after the batch completed
        long projected = 0;
        long projectedRecords = 0;
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        try (Connection db = connect("records")) {
            while (System.nanoTime() < deadline) {
                long[] r = longs(db, "SELECT count(*), count(DISTINCT record_id) FROM record_results WHERE batch_id = ?", batchId);
                projected = r[0];
                projectedRecords = r[1];
                if (projected >= records) {
                    break;
                }
                Thread.sleep(250);
            }
        }
        o.put("status", status.get("status").asText());
        o.put("processedRecords", processed);
        o.put("failedRecords", failed);
        o.put("executions", executions);
        o.put("duplicatedExecutions", executions - distinctRecords);
        o.put("stepResults", stepResults);
        o.put("projectedResults", projected);
        boolean countersExact = processed == records && failed == 0;
        o.put("countersExact", countersExact);
        o.put("passed", completed && countersExact && executions == records && distinctRecords == records
                && stepResults == 2L * records && projected == records && projectedRecords == records);
    }

    private Connection connect(String service) throws SQLException {
        return BenchSupport.database(platform, service);
    }

    private static long[] longs(Connection db, String sql, String batchId) throws SQLException {
        try (PreparedStatement s = db.prepareStatement(sql)) {
            s.setString(1, batchId);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                long[] values = new long[rs.getMetaData().getColumnCount()];
                for (int i = 0; i < values.length; i++) {
                    values[i] = rs.getLong(i + 1);
                }
                return values;
            }
        }
    }

    /**
     * Samples the batch's processed counter from flows-service's database every 100 ms (through
     * PostgreSQL restarts: a failed sample is skipped), so stalls are measured on the server's own
     * count rather than through the gateway, which may be the thing that was killed.
     */
    private final class Progress implements Runnable {
        private final String batchId;
        private final List<long[]> samples = new CopyOnWriteArrayList<>(); // [nanoTime, processed + failed]
        private volatile boolean running = true;
        private volatile boolean finished;
        private volatile int processed;

        Progress(String batchId) {
            this.batchId = batchId;
        }

        @Override
        public void run() {
            Connection db = null;
            while (running) {
                try {
                    if (db == null || db.isClosed()) {
                        db = connect("flows");
                    }
                    try (PreparedStatement s = db.prepareStatement(
                            "SELECT status, processed_records + failed_records FROM batches WHERE id = ?")) {
                        s.setString(1, batchId);
                        try (ResultSet rs = s.executeQuery()) {
                            if (rs.next()) {
                                processed = rs.getInt(2);
                                samples.add(new long[] {System.nanoTime(), processed});
                                String state = rs.getString(1);
                                finished = !state.equals("queued") && !state.equals("running");
                            }
                        }
                    }
                } catch (SQLException e) {
                    closeQuietly(db);
                    db = null; // PostgreSQL restarting: try again on the next sample
                }
                try {
                    Thread.sleep(SAMPLE_EVERY.toMillis());
                } catch (InterruptedException e) {
                    return;
                }
            }
            closeQuietly(db);
        }

        int processed() {
            return processed;
        }

        boolean finished() {
            return finished;
        }

        void stop() {
            running = false;
        }

        /**
         * [the longest time after {@code from} in which the count did not move (until it moved again,
         * or the batch ended), the time from {@code from} until it moved again after that stall].
         */
        double[] longestStallAfter(long from) {
            long lastMove = from;
            long lastValue = -1;
            long longest = 0;
            long recoveredAt = from;
            for (long[] sample : samples) {
                if (sample[0] < from) {
                    lastValue = sample[1];
                    continue;
                }
                if (sample[1] != lastValue) {
                    if (lastValue >= 0 && sample[0] - lastMove > longest) {
                        longest = sample[0] - lastMove;
                        recoveredAt = sample[0];
                    }
                    lastMove = sample[0];
                    lastValue = sample[1];
                }
            }
            return new double[] {longest / 1e9, (recoveredAt - from) / 1e9};
        }
    }

    private static void closeQuietly(Connection db) {
        if (db != null) {
            try {
                db.close();
            } catch (SQLException ignored) {
                // it was broken already
            }
        }
    }

    private void createRecords(String type) throws Exception {
        Semaphore inFlight = new Semaphore(32);
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> done = new ArrayList<>();
            for (int i = 0; i < records; i++) {
                int n = i;
                inFlight.acquire();
                done.add(pool.submit(() -> {
                    try {
                        call("POST", "/v1/records", "{\"type\":\"" + type + "\",\"name\":\"Lead " + n
                                + "\",\"metadata\":{\"city\":\"City " + (n % 50) + "\"}}");
                    } finally {
                        inFlight.release();
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        }
    }

    /**
     * One call through the gateway replicas in turn, as a client behind a load balancer would: a
     * refused connection or a retryable 503 (a gateway or service restarting) is tried again, on
     * the next replica, for up to five minutes (a restart on a busy machine is slow). Any other answer of 400 or more fails the suite.
     */
    private JsonNode call(String method, String path, String body) throws IOException, InterruptedException {
        List<String> gateways = platform.gatewayUrls();
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        while (true) {
            String base = gateways.get(Math.floorMod(nextGateway.getAndIncrement(), gateways.size()));
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofMinutes(2))
                    .header("Authorization", "Bearer " + key)
                    .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
            if (body != null) {
                request.header("Content-Type", "application/json");
            }
            try {
                HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() < 400) {
                    return JSON.readTree(response.body());
                }
                if (response.statusCode() != 503 || System.nanoTime() > deadline) {
                    throw new IllegalStateException(method + " " + path + " answered " + response.statusCode() + ": " + response.body());
                }
            } catch (ConnectException | HttpConnectTimeoutException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
            }
            Thread.sleep(200);
        }
    }
}
