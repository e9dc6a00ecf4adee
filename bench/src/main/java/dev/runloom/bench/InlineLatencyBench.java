package dev.runloom.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runloom.common.tenant.InternalTokens;
import dev.runloom.common.tenant.Tenant;
import dev.runloom.local.LocalPlatform;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static dev.runloom.bench.BenchSupport.freePort;
import static dev.runloom.bench.BenchSupport.percentile;
import static dev.runloom.bench.BenchSupport.round;

/**
 * Scenario (issue 11): the latency of an inline run — {@code POST /v1/flows/:id/run-on-record-type}
 * over ≤ 10 records, answered 200 with every record's result — at C concurrent clients, (a) through
 * the gateway with an API key and (b) straight against flows-service's own {@code /v1} route with the
 * internal token the gateway would have sent; target: gateway p50 and p99 ≤ 1.3× direct.
 *
 * <p>The direct path's token is minted exactly as the gateway mints it ({@link InternalTokens#sign}: HS256
 * over the platform's internal secret, which the launcher keeps in its data directory), for the same
 * tenant the gateway derives from the bench's key (its organization, user {@code user_local}, scopes
 * {@code *}). The gateway signs a token per request; the bench signs one every {@link #TOKEN_REFRESH}
 * (tokens live 60 s), so the direct path carries no signing cost.
 *
 * <p>Closed loop: each client sends its next request when the previous one answered. After a warm-up
 * of each path (not reported), R rounds each measure both paths one after the other, the order
 * alternating from round to round (gateway first in odd rounds, direct first in even ones), so drift
 * and noise on the shared machine hit both alike. Every answer must be 200 with N successful results;
 * anything else counts as an error (reported loudly, exit code 1).
 *
 * <p>Usage: {@code bench/run-inline-latency [--clients 20] [--seconds 30 | --requests N] [--warmup-seconds 10]
 * [--rounds 4] [--records 10]}. Starts its own platform (one replica of each service) in a temp dir.
 */
public final class InlineLatencyBench {
    private static final String ORGANIZATION = "org_bench";
    /** The user the gateway gives its bootstrap key (runloom.gateway.bootstrap-key.user-id). */
    private static final String USER = System.getenv().getOrDefault("RUNLOOM_USER_ID", "user_local");
    private static final Duration TOKEN_REFRESH = Duration.ofSeconds(20);
    private static final int MAX_ERROR_SAMPLES = 5;

    /** One way in: where the requests go and how they authenticate. */
    private record Target(String name, String url, boolean viaGateway) {
    }

    /** The latencies (ms) of one measured phase, its errors and its duration. */
    private record Phase(List<Double> latenciesMs, int errors, double seconds) {
    }

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).executor(Executors.newVirtualThreadPerTaskExecutor()).build();
    private final String key;
    private final InternalTokens tokens;
    private final Tenant tenant = new Tenant(ORGANIZATION, USER, Set.of("*"));
    private final int clients;
    private final int records;
    private volatile String token;
    private volatile long tokenMintedNanos;
    private final ConcurrentLinkedQueue<String> errorSamples = new ConcurrentLinkedQueue<>();

    private InlineLatencyBench(String key, String internalSecret, int clients, int records) {
        this.key = key;
        this.tokens = new InternalTokens(internalSecret);
        this.clients = clients;
        this.records = records;
    }

    public static void main(String[] args) throws Exception {
        String usage = "bench/run-inline-latency [--clients 20] [--seconds 30 | --requests N] [--warmup-seconds 10]"
                + " [--rounds 4] [--records 10]";
        Map<String, String> options = BenchSupport.parse(args, usage);
        int clients = Integer.parseInt(options.getOrDefault("clients", "20"));
        int seconds = Integer.parseInt(options.getOrDefault("seconds", "30"));
        int requests = Integer.parseInt(options.getOrDefault("requests", "0"));
        int warmupSeconds = Integer.parseInt(options.getOrDefault("warmup-seconds", "10"));
        int rounds = Integer.parseInt(options.getOrDefault("rounds", "4"));
        int records = Integer.parseInt(options.getOrDefault("records", "10"));
        if (records < 1 || records > 10) {
            // above the inline limit (RUNLOOM_FLOWS_INLINE_BATCH_LIMIT, 10) the run answers 202 and fans out
            throw new IllegalArgumentException("--records must be 1–10 (an inline run); usage: " + usage);
        }
        Path home = Path.of(System.getProperty("runloom.home", ".")).toAbsolutePath();
        Path data = Files.createTempDirectory("runloom-bench-inline");
        String key = "rt_test_bench_" + Long.toHexString(System.nanoTime()) + "0123456789abcdef";
        System.out.println("Starting a local platform in " + data + " …");
        boolean clean;
        try (LocalPlatform platform = LocalPlatform.start(new LocalPlatform.Options(home, data, freePort(),
                List.of(new LocalPlatform.ApiKey(key, ORGANIZATION)), BenchSupport.UNTHROTTLED))) {
            InlineLatencyBench bench = new InlineLatencyBench(key, platform.internalSecret(), clients, records);
            clean = bench.run(platform, seconds, requests, warmupSeconds, rounds);
        }
        System.exit(clean ? 0 : 1);
    }

    private boolean run(LocalPlatform platform, int seconds, int requests, int warmupSeconds, int rounds) throws Exception {
        BenchApi api = new BenchApi(platform.gatewayUrl(), key);
        String type = "bench_inline_" + Long.toHexString(System.currentTimeMillis());
        api.createRecords(type, records);
        String flowId = api.call("POST", "/v1/flows", """
                {"name":"Inline latency bench","flowSteps":[
                  {"type":"template","name":"Summary","order":1,
                   "config":{"template":"{{_record.name}} from {{_record.metadata.city}}","outputVariable":"summary"}},
                  {"type":"prompt","name":"Classify","order":2,
                   "config":{"model":"local","userPrompt":"Classify this lead: {{summary}}","outputVariable":"label"}}]}""", 201)
                .get("id").asText();
        String route = "/v1/flows/" + flowId + "/run-on-record-type";
        String body = "{\"recordType\":\"" + type + "\"}";
        Target gateway = new Target("gateway", platform.gatewayUrl() + route, true);
        Target direct = new Target("direct", platform.serviceUrl("flows") + route, false);

        // one request each way first: both must answer 200 with every record, or the comparison means nothing
        for (Target path : List.of(gateway, direct)) {
            String failure = send(path, body).failure;
            if (failure != null) {
                throw new IllegalStateException("the " + path.name + " path does not work: " + failure);
            }
        }

        System.out.printf("Warm-up: %d s per path, %d clients …%n", warmupSeconds, clients);
        phase(gateway, body, warmupSeconds, 0);
        phase(direct, body, warmupSeconds, 0);
        errorSamples.clear();

        Map<String, List<Double>> all = Map.of("gateway", new ArrayList<>(), "direct", new ArrayList<>());
        Map<String, AtomicInteger> errors = Map.of("gateway", new AtomicInteger(), "direct", new AtomicInteger());
        Map<String, Double> busySeconds = new LinkedHashMap<>(Map.of("gateway", 0.0, "direct", 0.0));
        List<Map<String, Object>> perRound = new ArrayList<>();
        for (int round = 1; round <= rounds; round++) {
            List<Target> order = round % 2 == 1 ? List.of(gateway, direct) : List.of(direct, gateway);
            Map<String, Object> roundFigures = new LinkedHashMap<>();
            roundFigures.put("round", round);
            roundFigures.put("first", order.getFirst().name);
            for (Target path : order) {
                Phase phase = phase(path, body, seconds, requests);
                List<Double> sorted = new ArrayList<>(phase.latenciesMs);
                Collections.sort(sorted);
                System.out.printf("  round %d %-7s n=%d errors=%d p50=%.2f ms p99=%.2f ms %.1f req/s%n", round, path.name,
                        sorted.size(), phase.errors, percentile(sorted, 0.50), percentile(sorted, 0.99),
                        sorted.size() / phase.seconds);
                all.get(path.name).addAll(phase.latenciesMs);
                errors.get(path.name).addAndGet(phase.errors);
                busySeconds.merge(path.name, phase.seconds, Double::sum);
                roundFigures.put(path.name + "P50Ms", round(percentile(sorted, 0.50)));
                roundFigures.put(path.name + "P99Ms", round(percentile(sorted, 0.99)));
                roundFigures.put(path.name + "Errors", phase.errors);
            }
            roundFigures.put("p50Ratio", round((double) roundFigures.get("gatewayP50Ms") / (double) roundFigures.get("directP50Ms")));
            roundFigures.put("p99Ratio", round((double) roundFigures.get("gatewayP99Ms") / (double) roundFigures.get("directP99Ms")));
            perRound.add(roundFigures);
        }

        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("clients", clients);
        figures.put("recordsPerRun", records);
        figures.put("rounds", rounds);
        figures.put(requests > 0 ? "requestsPerPhase" : "secondsPerPhase", requests > 0 ? requests : seconds);
        figures.put("warmupSecondsPerPath", warmupSeconds);
        Map<String, Double> p50 = new LinkedHashMap<>();
        Map<String, Double> p99 = new LinkedHashMap<>();
        for (String name : List.of("gateway", "direct")) {
            List<Double> sorted = new ArrayList<>(all.get(name));
            Collections.sort(sorted);
            p50.put(name, percentile(sorted, 0.50));
            p99.put(name, percentile(sorted, 0.99));
            figures.put(name + "Requests", sorted.size());
            figures.put(name + "Errors", errors.get(name).get());
            figures.put(name + "P50Ms", round(p50.get(name)));
            figures.put(name + "P90Ms", round(percentile(sorted, 0.90)));
            figures.put(name + "P99Ms", round(p99.get(name)));
            figures.put(name + "MaxMs", sorted.isEmpty() ? Double.NaN : round(sorted.getLast()));
            figures.put(name + "RequestsPerSecond", round(sorted.size() / busySeconds.get(name)));
        }
        double p50Ratio = p50.get("gateway") / p50.get("direct");
        double p99Ratio = p99.get("gateway") / p99.get("direct");
        figures.put("gatewayToDirectP50Ratio", round(p50Ratio));
        figures.put("gatewayToDirectP99Ratio", round(p99Ratio));
        figures.put("target", "both ratios ≤ 1.3");
        figures.put("targetMet", p50Ratio <= 1.3 && p99Ratio <= 1.3);
        figures.put("perRound", perRound);
        int errorCount = errors.get("gateway").get() + errors.get("direct").get();
        figures.put("errorSamples", List.copyOf(errorSamples));
        figures.put("cores", Runtime.getRuntime().availableProcessors());
        figures.put("measuredAt", Instant.now().toString());
        BenchSupport.report("inline-latency", figures);
        if (errorCount > 0) {
            System.out.printf("%n!!! %d REQUEST(S) FAILED (non-200, or not %d successful results) — the figures are not valid. "
                    + "First errors:%n", errorCount, records);
            errorSamples.forEach(e -> System.out.println("  " + e));
        }
        return errorCount == 0;
    }

    /**
     * {@link #clients} clients in a closed loop on one path, for {@code seconds} or, when {@code requests}
     * &gt; 0, until that many requests were sent.
     */
    private Phase phase(Target path, String body, int seconds, int requests) throws Exception {
        List<Double> latencies = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger errors = new AtomicInteger();
        AtomicInteger sent = new AtomicInteger();
        long start = System.nanoTime();
        long deadline = start + seconds * 1_000_000_000L;
        AtomicLong lastAnswer = new AtomicLong(start);
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> done = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                done.add(pool.submit(() -> {
                    while (requests > 0 ? sent.getAndIncrement() < requests : System.nanoTime() < deadline) {
                        Outcome outcome = send(path, body);
                        lastAnswer.accumulateAndGet(System.nanoTime(), Math::max);
                        if (outcome.failure == null) {
                            latencies.add(outcome.millis);
                        } else {
                            errors.incrementAndGet();
                            if (errorSamples.size() < MAX_ERROR_SAMPLES) {
                                errorSamples.add(path.name + ": " + outcome.failure);
                            }
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        }
        return new Phase(latencies, errors.get(), (lastAnswer.get() - start) / 1e9);
    }

    private record Outcome(double millis, String failure) {
    }

    /** One inline run; its latency (request sent → whole body received) and what was wrong with it, if anything. */
    private Outcome send(Target path, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(path.url)).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        if (path.viaGateway) {
            request.header("Authorization", "Bearer " + key);
        } else {
            request.header(InternalTokens.HEADER, internalToken());
        }
        long t0 = System.nanoTime();
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            return new Outcome(Double.NaN, e.toString());
        }
        double millis = (System.nanoTime() - t0) / 1e6;
        if (response.statusCode() != 200) {
            return new Outcome(millis, response.statusCode() + " " + abbreviate(response.body()));
        }
        try {
            JsonNode results = BenchApi.JSON.readTree(response.body()).path("results");
            int ok = 0;
            for (JsonNode result : results) {
                ok += result.path("success").asBoolean(false) ? 1 : 0;
            }
            if (results.size() != records || ok != records) {
                return new Outcome(millis, "200 with " + results.size() + " results, " + ok + " successful (expected "
                        + records + "): " + abbreviate(response.body()));
            }
        } catch (Exception e) {
            return new Outcome(millis, "200 with an unreadable body: " + abbreviate(response.body()));
        }
        return new Outcome(millis, null);
    }

    /** The token the gateway would attach for this tenant, re-signed every {@link #TOKEN_REFRESH}. */
    private String internalToken() {
        long now = System.nanoTime();
        String current = token;
        if (current == null || now - tokenMintedNanos > TOKEN_REFRESH.toNanos()) {
            synchronized (this) {
                if (token == null || System.nanoTime() - tokenMintedNanos > TOKEN_REFRESH.toNanos()) {
                    token = tokens.sign(tenant);
                    tokenMintedNanos = System.nanoTime();
                }
                current = token;
            }
        }
        return current;
    }

    private static String abbreviate(String text) {
        return text.length() <= 300 ? text : text.substring(0, 300) + "…";
    }
}
