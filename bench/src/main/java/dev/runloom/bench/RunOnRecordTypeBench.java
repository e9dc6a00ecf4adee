package dev.runloom.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.runloom.local.LocalPlatform;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;

import static dev.runloom.bench.BenchSupport.percentile;
import static dev.runloom.bench.BenchSupport.round;
import static dev.runloom.bench.BenchSupport.freePort;

/**
 * Scenario: run-on-record-type over N records with a template + local-model prompt flow.
 * Measures from the POST that starts the batch to the moment the last record's result is readable
 * through the public API (records-service's projection, i.e. after execution, events and
 * projection). Per record it reports two latencies after the POST: when this client first read
 * the result (readable), and when the server executed it (the result's createdAt).
 *
 * <p>Usage: {@code bench/run [--records N] [--profile true] [--url http://localhost:8080 --key KEY]}. With
 * {@code --profile true} (own platform only) it also reports the cores each process used from the POST
 * to the last result and PostgreSQL's costliest statements in that window ({@link BatchProfile}). Without
 * {@code --url} it starts its own local platform in a temporary directory (and stops it after).
 */
public final class RunOnRecordTypeBench {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Result polling competes with the batch for the same two cores: keep it modest. */
    private static final int SWEEP_CONCURRENCY = 8;
    /**
     * Records read through the API: against its own platform, once, to confirm results are readable
     * (latencies then come from records-service's commit times, for all N); against {@code --url},
     * timed by one pass a second (continuous passes over 300 records cost the gateway,
     * records-service and this client about a third of the machine), so latencies are to ±1 s.
     */
    private static final int SAMPLE = 100;
    private static final Duration PASS_INTERVAL = Duration.ofSeconds(1);

    private final BenchApi api;
    /** The platform this scenario started, or null against {@code --url}: then results are confirmed through the API only. */
    private final LocalPlatform platform;

    private RunOnRecordTypeBench(String baseUrl, String key, LocalPlatform platform) {
        this.api = new BenchApi(baseUrl, key);
        this.platform = platform;
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = BenchSupport.parse(args,
                "bench/run [--records N] [--warmup-records W] [--create api|csv] [--profile true] [--url http://localhost:8080 --key KEY]");
        int records = Integer.parseInt(options.getOrDefault("records", "10000"));
        // Above 10,000 records, creating them one POST at a time would take minutes before the batch starts.
        boolean viaCsv = options.getOrDefault("create", records > 10_000 ? "csv" : "api").equals("csv");
        // A fresh platform's JVMs spend the first tens of seconds compiling their hot paths (the JIT
        // compiler threads were the largest CPU user of every service in a 30,000-record run); one
        // unmeasured batch first, as the ceiling tool pre-warms its own code paths.
        int warmupRecords = Integer.parseInt(options.getOrDefault("warmup-records",
                String.valueOf(Math.min(20_000, records / 5))));
        boolean profile = Boolean.parseBoolean(options.getOrDefault("profile", "false"));
        LocalPlatform platform = null;
        String url = options.get("url");
        String key = options.getOrDefault("key", System.getenv("RUNLOOM_API_KEY"));
        if (url == null) {
            Path home = Path.of(System.getProperty("runloom.home", ".")).toAbsolutePath();
            Path data = Files.createTempDirectory("runloom-bench");
            key = "rt_test_bench_" + Long.toHexString(System.nanoTime()) + "0123456789abcdef";
            System.out.println("Starting a local platform in " + data + " …");
            if (profile) {
                BatchProfile.enableStatementStatistics();
            }
            platform = LocalPlatform.start(new LocalPlatform.Options(home, data, freePort(),
                    List.of(new LocalPlatform.ApiKey(key, "org_bench")), BenchSupport.UNTHROTTLED));
            url = platform.gatewayUrl();
        }
        try {
            new RunOnRecordTypeBench(url, key, platform).run(records, warmupRecords, viaCsv, profile && platform != null);
        } finally {
            if (platform != null) {
                platform.close();
            }
        }
    }

    private void run(int recordCount, int warmupRecords, boolean viaCsv, boolean profiled) throws Exception {
        JsonNode flow = call("POST", "/v1/flows", """
                {"name":"Bench flow","flowSteps":[
                  {"type":"template","name":"Summary","order":1,
                   "config":{"template":"{{_record.name}} from {{_record.metadata.city}}","outputVariable":"summary"}},
                  {"type":"prompt","name":"Classify","order":2,
                   "config":{"model":"local","userPrompt":"Classify this lead: {{summary}}","outputVariable":"label"}}]}""", 201);
        String flowId = flow.get("id").asText();
        if (warmupRecords > 0) {
            warmUp(flowId, warmupRecords);
        }

        String type = "bench_" + Long.toHexString(System.currentTimeMillis());
        System.out.printf("Creating %,d records of type %s %s …%n", recordCount, type, viaCsv ? "by CSV upload" : "one POST each");
        long createStart = System.nanoTime();
        List<String> recordIds = viaCsv ? api.uploadRecords(type, recordCount) : api.createRecords(type, recordCount);
        double createSeconds = (System.nanoTime() - createStart) / 1e9;

        BatchProfile profile = profiled ? BatchProfile.start(platform) : null;
        Instant posted = Instant.now();
        long t0 = System.nanoTime();
        JsonNode started = call("POST", "/v1/flows/" + flowId + "/run-on-record-type", "{\"recordType\":\"" + type + "\"}", -1);
        double postSeconds = (System.nanoTime() - t0) / 1e9;
        String batchId = started.get("batchId").asText();
        System.out.printf("Batch %s accepted in %.3f s; waiting for every result …%n", batchId, postSeconds);

        List<String> sample = new ArrayList<>(recordIds);
        Collections.shuffle(sample);
        sample = sample.subList(0, Math.min(SAMPLE, sample.size()));
        Thread batchWatcher = Thread.ofVirtual().start(() -> awaitBatchFinished(batchId, t0));
        List<double[]> latencies;
        double endToEndSeconds;
        Map<String, Object> cores = null;
        List<Map<String, Object>> statements = null;
        if (platform != null) {
            // Exact, and free for the batch: the moment records-service committed each result (received_at: from
            // then on it is readable through the API) and the last of them, read from its database once all N are
            // there; no client polling competes with the batch for the cores. A sample is then read through the
            // API to confirm it.
            // the database is read only once the batch has completed (its last results are then committed within
            // moments): counting a growing table while the batch runs would compete with it for PostgreSQL
            batchWatcher.join();
            endToEndSeconds = lastResultCommitted(batchId, recordCount, posted);
            if (profile != null) {
                cores = profile.coresUsed();
                statements = profile.topStatements(15);
            }
            latencies = serverSideLatencies(batchId, posted);
            List<double[]> confirmed = awaitResults(sample, posted, t0);
            if (confirmed.size() != sample.size()) {
                throw new IllegalStateException("only " + confirmed.size() + " of " + sample.size() + " sampled results readable");
            }
        } else {
            // Against a platform whose database this client cannot read: a random sample is polled from the POST
            // on, a pass a second, to time when each result becomes readable through the API; once the batch is
            // done every record is checked (an upper bound: it includes the time this client needs to read N results).
            latencies = awaitResults(sample, posted, t0);
            List<String> rest = new ArrayList<>(recordIds);
            rest.removeAll(new java.util.HashSet<>(sample));
            awaitResults(rest, posted, t0);
            endToEndSeconds = (System.nanoTime() - t0) / 1e9;
        }
        batchWatcher.join();
        List<Double> readable = new ArrayList<>(latencies.stream().map(l -> l[0]).toList());
        List<Double> executed = new ArrayList<>(latencies.stream().map(l -> l[1]).toList());
        Collections.sort(readable);
        Collections.sort(executed);

        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("records", recordCount);
        figures.put("warmupRecords", warmupRecords);
        figures.put("createdVia", viaCsv ? "upload-csv" : "POST /v1/records");
        figures.put("createRecordsPerSecond", round(recordCount / createSeconds));
        figures.put("runPostSeconds", round(postSeconds));
        figures.put("batchCompletedSeconds", round(batchCompletedSeconds));
        figures.put("endToEndSeconds", round(endToEndSeconds));
        figures.put("endToEndRecordsPerSecond", round(recordCount / endToEndSeconds));
        figures.put("latencySampleSize", latencies.size());
        figures.put("readableLatencyP50Seconds", round(percentile(readable, 0.50)));
        figures.put("readableLatencyP99Seconds", round(percentile(readable, 0.99)));
        figures.put("readableLatencyMaxSeconds", round(readable.getLast()));
        figures.put("executedLatencyP50Seconds", round(percentile(executed, 0.50)));
        figures.put("executedLatencyP99Seconds", round(percentile(executed, 0.99)));
        figures.put("cores", Runtime.getRuntime().availableProcessors());
        figures.put("measuredAt", Instant.now().toString());
        if (cores != null) {
            figures.put("coresUsedPOSTToLastResult", cores);
            figures.put("topStatements", statements);
            BatchProfile.print(statements);
        }

        BenchSupport.report("run-on-record-type", figures);
    }

    /** Seconds from the POST to records-service's commit of the batch's last result, once all N are there. */
    private double lastResultCommitted(String batchId, int recordCount, Instant posted) throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofMinutes(30));
        try (java.sql.Connection c = BenchSupport.database(platform, "records");
             java.sql.PreparedStatement count = c.prepareStatement(
                     "SELECT count(DISTINCT record_id), max(received_at) FROM record_results WHERE batch_id = ?")) {
            count.setString(1, batchId);
            while (true) {
                try (java.sql.ResultSet rows = count.executeQuery()) {
                    rows.next();
                    if (rows.getLong(1) >= recordCount) {
                        return Duration.between(posted, rows.getTimestamp(2).toInstant()).toNanos() / 1e9;
                    }
                }
                if (Instant.now().isAfter(deadline)) {
                    throw new IllegalStateException("results of batch " + batchId + " still incomplete after 30 minutes");
                }
                Thread.sleep(250);
            }
        }
    }

    /** An unmeasured batch of the same flow on other records, run to its last readable result. */
    private void warmUp(String flowId, int records) throws Exception {
        String type = "warmup_" + Long.toHexString(System.currentTimeMillis());
        System.out.printf("Warming up: a batch of %,d records of type %s (not measured) …%n", records, type);
        api.uploadRecords(type, records);
        Instant posted = Instant.now();
        long t0 = System.nanoTime();
        String batchId = call("POST", "/v1/flows/" + flowId + "/run-on-record-type", "{\"recordType\":\"" + type + "\"}", -1)
                .get("batchId").asText();
        awaitBatchFinished(batchId, t0);
        double seconds = platform != null ? lastResultCommitted(batchId, records, posted) : (System.nanoTime() - t0) / 1e9;
        System.out.printf("Warm-up batch done in %.1f s%n", seconds);
        batchCompletedSeconds = Double.NaN;
    }

    /** Per record of the batch: [committed in records-service, executed (the execution's completedAt)], seconds after the POST. */
    private List<double[]> serverSideLatencies(String batchId, Instant posted) throws Exception {
        List<double[]> latencies = new ArrayList<>();
        try (java.sql.Connection c = BenchSupport.database(platform, "records");
             java.sql.PreparedStatement rows = c.prepareStatement(
                     "SELECT min(received_at) AS received, min(created_at) AS executed FROM record_results "
                             + "WHERE batch_id = ? GROUP BY record_id")) {
            rows.setString(1, batchId);
            try (java.sql.ResultSet r = rows.executeQuery()) {
                while (r.next()) {
                    latencies.add(new double[] {
                            Duration.between(posted, r.getTimestamp(1).toInstant()).toNanos() / 1e9,
                            Duration.between(posted, r.getTimestamp(2).toInstant()).toNanos() / 1e9});
                }
            }
        }
        return latencies;
    }

    private volatile double batchCompletedSeconds = Double.NaN;

    private void awaitBatchFinished(String batchId, long t0) {
        try {
            while (true) {
                String state = call("GET", "/v1/batch/status/" + batchId, null, 200).get("status").asText();
                if (!state.equals("queued") && !state.equals("running")) {
                    batchCompletedSeconds = (System.nanoTime() - t0) / 1e9;
                    return;
                }
                Thread.sleep(250);
            }
        } catch (Exception e) {
            throw new IllegalStateException("cannot follow the batch", e);
        }
    }

    /**
     * Sweeps the records still without a readable result until none is left. Per record: [when
     * its result was first readable by this client, when the server says it was executed], both
     * in seconds after the POST.
     */
    private List<double[]> awaitResults(List<String> recordIds, Instant posted, long t0) throws Exception {
        List<String> pending = new ArrayList<>(recordIds);
        List<double[]> latencies = Collections.synchronizedList(new ArrayList<>());
        Instant deadline = Instant.now().plus(Duration.ofMinutes(30));
        while (!pending.isEmpty()) {
            long passStarted = System.nanoTime();
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException(pending.size() + " records still without results after 30 minutes");
            }
            List<String> stillPending = Collections.synchronizedList(new ArrayList<>());
            Semaphore inFlight = new Semaphore(SWEEP_CONCURRENCY);
            try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                for (String id : pending) {
                    inFlight.acquire();
                    pool.submit(() -> {
                        try {
                            JsonNode results = call("GET", "/v1/records/" + id + "/results?limit=1", null, 200).get("data");
                            if (results.isEmpty()) {
                                stillPending.add(id);
                            } else {
                                double readable = (System.nanoTime() - t0) / 1e9;
                                Instant created = Instant.parse(results.get(0).get("createdAt").asText());
                                latencies.add(new double[] {readable, Duration.between(posted, created).toNanos() / 1e9});
                            }
                        } finally {
                            inFlight.release();
                        }
                        return null;
                    });
                }
            }
            pending = stillPending;
            long rest = PASS_INTERVAL.toMillis() - (System.nanoTime() - passStarted) / 1_000_000;
            if (!pending.isEmpty() && rest > 0) {
                Thread.sleep(rest);
            }
        }
        return latencies;
    }

    private JsonNode call(String method, String path, String body, int expectedStatus) throws IOException, InterruptedException {
        return api.call(method, path, body, expectedStatus);
    }
}
