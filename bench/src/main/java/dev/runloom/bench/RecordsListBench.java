package dev.runloom.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.runloom.local.LocalPlatform;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static dev.runloom.bench.BenchSupport.percentile;
import static dev.runloom.bench.BenchSupport.round;
import static dev.runloom.bench.BenchSupport.freePort;

/**
 * Scenario (issue 6, "Performance"): {@code GET /v1/records} through the gateway with N records of
 * one type (plus a small type of 1,000 beside it), loaded straight into records-service's table by
 * SQL (one INSERT … SELECT per 100,000 rows, so the counter triggers run as for any writer).
 *
 * <ol>
 *   <li>page 1 of the big type at a fixed rate (open loop: each request's latency is measured from
 *   its scheduled start, so a stall is not hidden) — p50/p95/p99;</li>
 *   <li>page {@code --deep-page} reached by walking {@code nextCursor}, then that page at the same rate;</li>
 *   <li>a metadata-filter page ({@code metadata.status eq "open"}, served by the GIN index) at the same rate;</li>
 *   <li>page 1 of the small type at the same rate;</li>
 *   <li>plain page-1 p95 alone, then while 5 req/s of {@code includeCount=true} lists (unfiltered:
 *   the per-type counter; and filtered: capped count) run beside it.</li>
 * </ol>
 *
 * <p>Usage: {@code bench/run-records-list [--records N] [--rate R] [--seconds S] [--deep-page P]}
 * (defaults 1,000,000, 100, 30, 10,000). Starts its own platform in a temp dir. Prints a table and
 * writes the figures as JSON under {@code bench/results/}.
 */
public final class RecordsListBench {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ORGANIZATION = "org_bench";
    private static final String BIG = "bench_big";
    private static final String SMALL = "bench_small";
    private static final int LOAD_CHUNK = 100_000;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
            .executor(Executors.newVirtualThreadPerTaskExecutor()).build();
    private final String baseUrl;
    private final String key;
    private final int rate;
    private final int seconds;

    private RecordsListBench(String baseUrl, String key, int rate, int seconds) {
        this.baseUrl = baseUrl;
        this.key = key;
        this.rate = rate;
        this.seconds = seconds;
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = BenchSupport.parse(args, "bench/run-records-list [--records N] [--rate R] [--seconds S] [--deep-page P]");
        int records = Integer.parseInt(options.getOrDefault("records", "1000000"));
        int rate = Integer.parseInt(options.getOrDefault("rate", "100"));
        int seconds = Integer.parseInt(options.getOrDefault("seconds", "30"));
        int deepPage = Integer.parseInt(options.getOrDefault("deep-page", "10000"));
        Path home = Path.of(System.getProperty("runloom.home", ".")).toAbsolutePath();
        Path data = Files.createTempDirectory("runloom-bench-records");
        String key = "rt_test_bench_" + Long.toHexString(System.nanoTime()) + "0123456789abcdef";
        System.out.println("Starting a local platform in " + data + " …");
        try (LocalPlatform platform = LocalPlatform.start(new LocalPlatform.Options(home, data, freePort(),
                List.of(new LocalPlatform.ApiKey(key, ORGANIZATION)), BenchSupport.UNTHROTTLED))) {
            load(platform, records);
            new RecordsListBench(platform.gatewayUrl(), key, rate, seconds).run(records, deepPage);
        }
    }

    /** N records of the big type and 1,000 of the small one, metadata with an indexed-path status. */
    private static void load(LocalPlatform platform, int records) throws Exception {
        var pg = platform.postgres();
        long start = System.nanoTime();
        try (Connection db = DriverManager.getConnection(pg.jdbcUrl("runloom_records"), pg.username(), pg.password());
             Statement sql = db.createStatement()) {
            for (int from = 1; from <= records; from += LOAD_CHUNK) {
                int to = Math.min(records, from + LOAD_CHUNK - 1);
                sql.executeUpdate(insert(BIG, from, to));
                System.out.printf("  loaded %,d / %,d%n", to, records);
            }
            sql.executeUpdate(insert(SMALL, 1, 1000));
            sql.execute("VACUUM ANALYZE records");
        }
        System.out.printf("Loaded %,d records by SQL in %.1f s%n", records + 1000, (System.nanoTime() - start) / 1e9);
    }

    private static String insert(String type, int from, int to) {
        // created_at one millisecond apart, ids in ULID-like order: what the API would have written
        return "INSERT INTO records (id, organization_id, user_id, type, name, metadata, created_at, updated_at)"
                + " SELECT 'record_" + type + "_' || lpad(g::text, 9, '0'), '" + ORGANIZATION + "', 'user_bench', '"
                + type + "', '" + type + " ' || g,"
                + " jsonb_build_object('status', (ARRAY['open','closed','won','lost','new'])[1 + g % 5], 'n', g,"
                + " 'city', 'city ' || (g % 100)),"
                + " timestamptz '2026-01-01' + g * interval '1 millisecond',"
                + " timestamptz '2026-01-01' + g * interval '1 millisecond'"
                + " FROM generate_series(" + from + ", " + to + ") g";
    }

    private void run(int records, int deepPage) throws Exception {
        String page1 = "/v1/records?type=" + BIG + "&limit=50";
        String filter = "/v1/records?type=" + BIG + "&limit=50&filter=" + URLEncoder.encode(
                "{\"where\":[{\"field\":\"metadata.status\",\"op\":\"eq\",\"value\":\"open\"}]}", StandardCharsets.UTF_8);
        String small = "/v1/records?type=" + SMALL + "&limit=50";

        System.out.println("Warming up …");
        for (int i = 0; i < 300; i++) {
            get(page1);
            get(filter);
            get(small);
        }

        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("records", records);
        figures.put("ratePerSecond", rate);
        figures.put("secondsPerPhase", seconds);

        put(figures, "page1", fixedRate(page1, rate, seconds));

        System.out.printf("Walking %,d pages by cursor …%n", deepPage);
        long walkStart = System.nanoTime();
        String cursor = null;
        int reached = 1;
        for (; reached < deepPage; reached++) {
            JsonNode page = get(page1 + (cursor == null ? "" : "&cursor=" + cursor));
            JsonNode next = page.get("pagination").get("nextCursor");
            if (next == null || next.isNull()) {
                break;
            }
            cursor = next.asText();
        }
        double walkSeconds = (System.nanoTime() - walkStart) / 1e9;
        figures.put("deepPageReached", reached);
        figures.put("deepWalkMsPerPage", round(walkSeconds * 1000 / Math.max(1, reached - 1)));
        String deep = page1 + (cursor == null ? "" : "&cursor=" + cursor);
        JsonNode deepPageBody = get(deep);
        figures.put("deepPageCurrentOffset", deepPageBody.get("pagination").get("currentOffset").asInt());
        put(figures, "deepPage", fixedRate(deep, rate, seconds));
        put(figures, "filtered", fixedRate(filter, rate, seconds));
        put(figures, "smallType", fixedRate(small, rate, seconds));

        // counted lists beside plain ones
        put(figures, "plainAlone", fixedRate(page1, rate, seconds));
        AtomicBoolean stop = new AtomicBoolean();
        List<Double> countedLatencies = Collections.synchronizedList(new ArrayList<>());
        Thread counted = Thread.ofVirtual().start(() -> {
            String[] countedUris = {page1 + "&includeCount=true", filter + "&includeCount=true"};
            long t0 = System.nanoTime();
            for (int i = 0; !stop.get(); i++) {
                long due = t0 + i * 200_000_000L; // 5 per second
                sleepUntil(due);
                try {
                    get(countedUris[i % 2]);
                    countedLatencies.add((System.nanoTime() - due) / 1e6);
                } catch (Exception e) {
                    countedLatencies.add(Double.NaN);
                }
            }
        });
        Stats beside = fixedRate(page1, rate, seconds);
        stop.set(true);
        counted.join();
        put(figures, "plainWithCounted", beside);
        Stats countedStats = Stats.of(countedLatencies);
        put(figures, "counted", countedStats);
        double alone = (double) figures.get("plainAloneP95Ms");
        figures.put("plainP95RatioWithCounted", round(beside.p95 / alone));
        JsonNode count = get(page1 + "&includeCount=true");
        figures.put("countedTotal", count.get("pagination").get("totalCount").asLong());
        JsonNode capped = get(filter + "&includeCount=true");
        figures.put("filteredCountedTotal", capped.get("pagination").get("totalCount").asLong());
        figures.put("filteredCountCapped", capped.get("pagination").get("countCapped").asBoolean());
        figures.put("cores", Runtime.getRuntime().availableProcessors());
        figures.put("measuredAt", Instant.now().toString());

        BenchSupport.report("records-list", figures);
    }

    /** Open loop: request i starts at t0 + i/rate; its latency counts from that scheduled start. */
    private Stats fixedRate(String uri, int perSecond, int durationSeconds) throws Exception {
        int total = perSecond * durationSeconds;
        long interval = 1_000_000_000L / perSecond;
        List<Double> latencies = Collections.synchronizedList(new ArrayList<>(total));
        try (ExecutorService requests = Executors.newVirtualThreadPerTaskExecutor()) {
            long t0 = System.nanoTime() + 50_000_000L;
            List<Future<?>> pending = new ArrayList<>(total);
            for (int i = 0; i < total; i++) {
                long due = t0 + i * interval;
                sleepUntil(due);
                pending.add(requests.submit(() -> {
                    try {
                        get(uri);
                        latencies.add((System.nanoTime() - due) / 1e6);
                    } catch (Exception e) {
                        latencies.add(Double.NaN);
                    }
                }));
            }
            for (Future<?> f : pending) {
                f.get(2, TimeUnit.MINUTES);
            }
        }
        return Stats.of(latencies);
    }

    private record Stats(int count, int errors, double p50, double p95, double p99, double max) {
        static Stats of(List<Double> raw) {
            List<Double> ok = new ArrayList<>(raw.stream().filter(d -> !d.isNaN()).toList());
            Collections.sort(ok);
            if (ok.isEmpty()) {
                return new Stats(0, raw.size(), Double.NaN, Double.NaN, Double.NaN, Double.NaN);
            }
            return new Stats(ok.size(), raw.size() - ok.size(), percentile(ok, 0.50), percentile(ok, 0.95),
                    percentile(ok, 0.99), ok.getLast());
        }
    }

    private static void put(Map<String, Object> figures, String name, Stats stats) {
        System.out.printf("  %-16s n=%d errors=%d p50=%.2f ms p95=%.2f ms p99=%.2f ms max=%.2f ms%n", name, stats.count,
                stats.errors, stats.p50, stats.p95, stats.p99, stats.max);
        figures.put(name + "Requests", stats.count);
        figures.put(name + "Errors", stats.errors);
        figures.put(name + "P50Ms", round(stats.p50));
        figures.put(name + "P95Ms", round(stats.p95));
        figures.put(name + "P99Ms", round(stats.p99));
    }

    private JsonNode get(String path) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + key).GET().build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("GET " + path + " answered " + response.statusCode() + ": " + response.body());
        }
        return JSON.readTree(response.body());
    }

    private static void sleepUntil(long nanoTime) {
        long wait;
        while ((wait = nanoTime - System.nanoTime()) > 0) {
            try {
                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
