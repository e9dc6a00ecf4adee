package dev.runloom.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runloom.local.LocalPlatform;
import org.apache.kafka.clients.consumer.ConsumerConfig;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static dev.runloom.bench.BenchSupport.freePort;
import static dev.runloom.bench.BenchSupport.round;

/**
 * Scenario (issue 11): a slow provider. A fake OpenAI-compatible provider on loopback
 * ({@link SlowModelServer}) answers every call after {@code --latency-ms} (500); a flow with one prompt
 * step on it runs as one {@code POST /v1/batch/flow} over N records (10,000) with
 * {@code options.recordConcurrency} C (50) and {@code maxRetries} 0. The expectation: the batch
 * takes ≈ N × latency / C plus overhead, and no Kafka consumer exceeds {@code max.poll.interval.ms}.
 *
 * <p>Reported: the wall time (the POST to the batch's server-side {@code completedAt}), the ideal
 * N × latency / C, the overhead (absolute and %), and where it went (POST → first provider call; the
 * provider's window; last answer → completed); the calls the provider received (must be N) and how
 * many it held at once (most, and on average over its window); and, over the batch's time only, the
 * services' log lines about poll timeouts or rebalances plus what a watch of every consumer group on
 * the broker saw ({@link ConsumerGroupWatch}).
 *
 * <p>How the platform is configured: provider {@code openai} is pointed at the fake by environment
 * ({@code RUNLOOM_MODELS_PROVIDERS_OPENAI_BASE_URL}, {@code _API_KEY}; model providers are configured by
 * the operator, so the SSRF guard of user-chosen URLs does not apply and loopback is fine); the LLM
 * governor's per-organization concurrency ({@code RUNLOOM_GOVERNOR_ORG_CONCURRENCY}, default 8) is set
 * to 0 = unlimited, as is the provider-wide one (already 0 by default), so it does not cap below C.
 * {@code recordConcurrency} is per consumer thread of flows-service's batch work
 * ({@code RUNLOOM_FLOWS_BATCH_WORK_THREADS}, 2), and all of them share the replica's record threads
 * ({@code RUNLOOM_FLOWS_RECORD_THREADS}, 64): the provider may see more than C calls at once;
 * {@code --batch-work-threads 1} makes C the whole replica's concurrency. Even unlimited, the governor
 * takes and gives back a lease per call (two short transactions in its database); {@code --governor off}
 * ({@code RUNLOOM_GOVERNOR_ENABLED=false}) measures without it.
 *
 * <p>Usage: {@code bench/run-slow-provider [--records 10000] [--concurrency 50] [--latency-ms 500]
 * [--create api|csv] [--batch-work-threads T] [--governor on|off] [--batch-minutes 30]}. Starts its own platform in a temp dir.
 */
public final class SlowProviderBench {
    private static final String ORGANIZATION = "org_bench";
    private static final String MODEL = "openai/gpt-4o-mini";
    private static final Pattern POLL_TIMEOUT = Pattern.compile("(?i)max\\.poll\\.interval|poll timeout|poll\\(\\) was longer");
    private static final Pattern REBALANCE = Pattern.compile(
            "(?i)rebalanc|revok|partitions lost|lost partitions|leaving group|left the group|CommitFailed|member .* (expired|removed)");
    private static final int MAX_LOG_SAMPLES = 10;

    private final LocalPlatform platform;
    private final BenchApi api;
    private final SlowModelServer provider;

    private SlowProviderBench(LocalPlatform platform, String key, SlowModelServer provider) {
        this.platform = platform;
        this.api = new BenchApi(platform.gatewayUrl(), key);
        this.provider = provider;
    }

    public static void main(String[] args) throws Exception {
        String usage = "bench/run-slow-provider [--records 10000] [--concurrency 50] [--latency-ms 500] [--create api|csv]"
                + " [--batch-work-threads T] [--governor on|off] [--batch-minutes 30]";
        Map<String, String> options = BenchSupport.parse(args, usage);
        int records = Integer.parseInt(options.getOrDefault("records", "10000"));
        int concurrency = Integer.parseInt(options.getOrDefault("concurrency", "50"));
        long latencyMs = Long.parseLong(options.getOrDefault("latency-ms", "500"));
        boolean viaCsv = options.getOrDefault("create", records > 10_000 ? "csv" : "api").equals("csv");
        String workThreads = options.get("batch-work-threads");
        boolean governed = !options.getOrDefault("governor", "on").equals("off");
        Duration batchTimeout = Duration.ofMinutes(Long.parseLong(options.getOrDefault("batch-minutes", "30")));

        Path home = Path.of(System.getProperty("runloom.home", ".")).toAbsolutePath();
        Path data = Files.createTempDirectory("runloom-bench-slow");
        String key = "rt_test_bench_" + Long.toHexString(System.nanoTime()) + "0123456789abcdef";
        boolean passed;
        try (SlowModelServer provider = new SlowModelServer(latencyMs)) {
            Map<String, String> env = new HashMap<>(BenchSupport.UNTHROTTLED);
            env.put("RUNLOOM_MODELS_PROVIDERS_OPENAI_BASE_URL", provider.baseUrl());
            env.put("RUNLOOM_MODELS_PROVIDERS_OPENAI_API_KEY", "sk-bench-slow-provider");
            env.put("RUNLOOM_GOVERNOR_ORG_CONCURRENCY", "0");
            env.put("RUNLOOM_GOVERNOR_CONCURRENCY", "0");
            if (!governed) {
                env.put("RUNLOOM_GOVERNOR_ENABLED", "false");
            }
            if (workThreads != null) {
                env.put("RUNLOOM_FLOWS_BATCH_WORK_THREADS", workThreads);
            }
            System.out.println("Fake provider (" + latencyMs + " ms a call) at " + provider.baseUrl());
            System.out.println("Starting a local platform in " + data + " …");
            try (LocalPlatform platform = LocalPlatform.start(new LocalPlatform.Options(home, data, freePort(),
                    List.of(new LocalPlatform.ApiKey(key, ORGANIZATION)), env))) {
                passed = new SlowProviderBench(platform, key, provider)
                        .run(records, concurrency, latencyMs, viaCsv, workThreads, governed, batchTimeout);
            }
        }
        System.exit(passed ? 0 : 1);
    }

    private boolean run(int records, int concurrency, long latencyMs, boolean viaCsv, String workThreads,
                        boolean governed, Duration batchTimeout) throws Exception {
        String flowId = api.call("POST", "/v1/flows", """
                {"name":"Slow provider bench","flowSteps":[
                  {"type":"prompt","name":"Classify","order":1,
                   "config":{"model":"%s","userPrompt":"Classify this lead: {{_record.name}} from {{_record.metadata.city}}",
                             "outputVariable":"label"}}]}""".formatted(MODEL), 201).get("id").asText();

        // a probe first: one record, run inline, must reach the fake provider once and succeed
        String probeType = "bench_probe_" + Long.toHexString(System.currentTimeMillis());
        api.createRecords(probeType, 1);
        JsonNode probe = api.call("POST", "/v1/flows/" + flowId + "/run-on-record-type", "{\"recordType\":\"" + probeType + "\"}", 200);
        if (provider.calls() != 1 || !probe.path("results").path(0).path("success").asBoolean(false)) {
            throw new IllegalStateException("the probe run did not reach the fake provider (" + provider.calls()
                    + " calls): " + probe);
        }
        provider.reset();

        String type = "bench_slow_" + Long.toHexString(System.currentTimeMillis());
        System.out.printf("Creating %,d records of type %s %s …%n", records, type, viaCsv ? "by CSV upload" : "one POST each");
        long createStart = System.nanoTime();
        if (viaCsv) {
            api.uploadRecords(type, records);
        } else {
            api.createRecords(type, records);
        }
        double createSeconds = (System.nanoTime() - createStart) / 1e9;

        Map<Path, Long> logOffsets = logSizes();
        double ideal = records * (latencyMs / 1000.0) / concurrency;
        System.out.printf("Submitting the batch (recordConcurrency %d, maxRetries 0); ideal %.1f s …%n", concurrency, ideal);
        JsonNode status;
        Instant posted;
        long postNanos;
        double submitSeconds;
        String batchId;
        try (ConsumerGroupWatch groups = new ConsumerGroupWatch(platform.kafkaBootstrapServers())) {
            posted = Instant.now();
            postNanos = System.nanoTime();
            batchId = api.call("POST", "/v1/batch/flow", """
                    {"flowId":"%s","recordType":"%s","options":{"recordConcurrency":%d,"maxRetries":0}}"""
                    .formatted(flowId, type, concurrency), 202).get("batchExecutionId").asText();
            submitSeconds = (System.nanoTime() - postNanos) / 1e9;
            status = follow(batchId, records, batchTimeout);
            Thread.sleep(1000); // a call arriving after completion would be a duplicate: give it a moment to show
            groups.close();
            return report(records, concurrency, latencyMs, workThreads, governed, createSeconds, ideal, posted, postNanos,
                    submitSeconds, status, groups, logOffsets);
        }
    }

    /** Polls the batch's status until it is neither queued nor running; prints progress every 5 s. */
    private JsonNode follow(String batchId, int records, Duration timeout) throws Exception {
        Instant deadline = Instant.now().plus(timeout);
        Instant nextPrint = Instant.now();
        while (true) {
            JsonNode status = api.call("GET", "/v1/batch/status/" + batchId, null, 200);
            String state = status.path("status").asText();
            if (!state.equals("queued") && !state.equals("running")) {
                return status;
            }
            if (Instant.now().isAfter(nextPrint)) {
                System.out.printf("  %s: %,d / %,d processed, %d calls in flight at the provider%n", state,
                        status.path("processedRecords").asInt(), records, provider.inFlight());
                nextPrint = Instant.now().plusSeconds(5);
            }
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("batch " + batchId + " not finished after " + timeout + ": " + status);
            }
            Thread.sleep(250);
        }
    }

    private boolean report(int records, int concurrency, long latencyMs, String workThreads, boolean governed,
                           double createSeconds,
                           double ideal, Instant posted, long postNanos, double submitSeconds, JsonNode status,
                           ConsumerGroupWatch groups, Map<Path, Long> logOffsets) throws IOException {
        Instant completedAt = Instant.parse(status.path("completedAt").asText());
        double wall = Duration.between(posted, completedAt).toNanos() / 1e9;
        long calls = provider.calls();
        boolean anyCall = calls > 0;
        double firstCall = anyCall ? (provider.firstCallNanos() - postNanos) / 1e9 : Double.NaN;
        double window = anyCall ? (provider.lastAnswerNanos() - provider.firstCallNanos()) / 1e9 : Double.NaN;
        // the last answer on the monotonic clock, placed on the wall clock through the POST's two readings
        Instant lastAnswer = anyCall ? posted.plusNanos(provider.lastAnswerNanos() - postNanos) : null;

        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("records", records);
        figures.put("recordConcurrency", concurrency);
        figures.put("providerLatencyMs", latencyMs);
        figures.put("batchWorkThreads", workThreads == null ? "2 (default)" : workThreads);
        figures.put("governor", governed ? "on, org-concurrency 0 and concurrency 0 (unlimited; every call still takes"
                + " and gives back a lease in the governor database)" : "off (RUNLOOM_GOVERNOR_ENABLED=false)");
        figures.put("createRecordsSeconds", round(createSeconds));
        figures.put("submitAnsweredSeconds", round(submitSeconds));
        figures.put("batchStatus", status.path("status").asText());
        figures.put("processedRecords", status.path("processedRecords").asInt());
        figures.put("failedRecords", status.path("failedRecords").asInt());
        figures.put("wallSeconds", round(wall));
        figures.put("idealSeconds", round(ideal));
        figures.put("overheadSeconds", round(wall - ideal));
        figures.put("overheadPercent", round((wall - ideal) / ideal * 100));
        figures.put("postToFirstCallSeconds", round(firstCall));
        figures.put("providerWindowSeconds", round(window));
        figures.put("lastAnswerToCompletedSeconds", lastAnswer == null ? Double.NaN
                : round(Duration.between(lastAnswer, completedAt).toNanos() / 1e9));
        figures.put("providerCalls", calls);
        figures.put("providerCallsExpected", records);
        figures.put("providerOtherRequests", provider.otherRequests());
        figures.put("maxConcurrentCalls", provider.maxInFlight());
        figures.put("averageConcurrentCalls", anyCall ? round(provider.busySeconds() / window) : Double.NaN);
        figures.put("maxPollIntervalMs", maxPollIntervalMs());
        figures.put("maxPollIntervalSource", maxPollIntervalSource());
        int maxPollRecords = Integer.parseInt(System.getenv().getOrDefault("RUNLOOM_KAFKA_MAX_POLL_RECORDS", "500"));
        figures.put("maxPollRecords", maxPollRecords);
        // a consumer thread's poll waits for its last record: at most ceil(records per poll / C) waves of calls
        figures.put("longestPollEstimateSeconds", round(Math.ceil((double) maxPollRecords / concurrency) * latencyMs / 1000.0));
        LogScan scan = scanLogs(logOffsets);
        figures.put("logPollTimeoutLines", scan.pollTimeouts);
        figures.put("logRebalanceLines", scan.rebalances);
        figures.put("logSamples", scan.samples);
        figures.put("groupWatchSamples", groups.samples());
        figures.put("groupWatchUnstableSamples", groups.unstableSamples());
        figures.put("groupWatchMembershipChanges", groups.membershipChanges());
        figures.put("groupWatchEvents", groups.events());
        figures.put("cores", Runtime.getRuntime().availableProcessors());
        figures.put("measuredAt", Instant.now().toString());
        BenchSupport.report("slow-provider", figures);

        List<String> failures = new ArrayList<>();
        if (!"completed".equals(status.path("status").asText())) {
            failures.add("the batch ended " + status.path("status").asText());
        }
        if (status.path("processedRecords").asInt() != records || status.path("failedRecords").asInt() != 0) {
            failures.add("processed " + status.path("processedRecords").asInt() + ", failed "
                    + status.path("failedRecords").asInt() + " of " + records);
        }
        if (calls != records) {
            failures.add("the provider received " + calls + " calls for " + records + " records");
        }
        if (scan.pollTimeouts > 0 || groups.unstableSamples() > 0 || groups.membershipChanges() > 0) {
            failures.add("consumer trouble during the batch: " + scan.pollTimeouts + " poll-timeout log lines, "
                    + groups.unstableSamples() + " rebalancing samples, " + groups.membershipChanges() + " membership changes");
        }
        if (!failures.isEmpty()) {
            System.out.println("\n!!! " + String.join("; ", failures));
        }
        return failures.isEmpty();
    }

    /** What the services' consumers run with: {@code kafka.max.poll.interval.ms} if given, else the client's default. */
    private static Object maxPollIntervalMs() {
        String given = System.getenv("KAFKA_MAX_POLL_INTERVAL_MS");
        return given != null ? given
                : ConsumerConfig.configDef().defaultValues().get(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG);
    }

    private static String maxPollIntervalSource() {
        return System.getenv("KAFKA_MAX_POLL_INTERVAL_MS") != null ? "env KAFKA_MAX_POLL_INTERVAL_MS"
                : "kafka-clients default (SubscriptionRunner, KafkaSettings and the services' application.yml do not set it)";
    }

    private Map<Path, Long> logSizes() throws IOException {
        Map<Path, Long> sizes = new HashMap<>();
        try (Stream<Path> logs = Files.list(platform.logDir())) {
            for (Path log : logs.filter(p -> p.toString().endsWith(".log")).toList()) {
                sizes.put(log, Files.size(log));
            }
        }
        return sizes;
    }

    private record LogScan(int pollTimeouts, int rebalances, List<String> samples) {
    }

    /** The lines every service logged since {@code offsets} was taken, matched against the two patterns. */
    private LogScan scanLogs(Map<Path, Long> offsets) throws IOException {
        int pollTimeouts = 0;
        int rebalances = 0;
        List<String> samples = new ArrayList<>();
        try (Stream<Path> logs = Files.list(platform.logDir())) {
            for (Path log : logs.filter(p -> p.toString().endsWith(".log")).sorted().toList()) {
                String appended;
                try (RandomAccessFile file = new RandomAccessFile(log.toFile(), "r")) {
                    long from = offsets.getOrDefault(log, 0L);
                    byte[] bytes = new byte[(int) Math.max(0, file.length() - from)];
                    file.seek(from);
                    file.readFully(bytes);
                    appended = new String(bytes, StandardCharsets.UTF_8);
                }
                for (String line : appended.split("\n")) {
                    boolean poll = POLL_TIMEOUT.matcher(line).find();
                    boolean rebalance = REBALANCE.matcher(line).find();
                    pollTimeouts += poll ? 1 : 0;
                    rebalances += rebalance ? 1 : 0;
                    if ((poll || rebalance) && samples.size() < MAX_LOG_SAMPLES) {
                        samples.add(log.getFileName() + ": " + line.strip());
                    }
                }
            }
        }
        return new LogScan(pollTimeouts, rebalances, samples);
    }
}
