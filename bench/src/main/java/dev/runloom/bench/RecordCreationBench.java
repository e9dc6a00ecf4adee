package dev.runloom.bench;

import dev.runloom.local.LocalPlatform;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Scenario (issue 6, performance): record creation through the gateway, one request
 * ({@code POST /v1/records}) per record from 32 concurrent clients, reported beside the single-row
 * insert rate of the same database: 32 JDBC clients, one {@code INSERT} per transaction
 * (autocommit, so one WAL flush each, as the service's transactions pay) into a table
 * {@code LIKE records INCLUDING ALL}, in the same run. Both write the same 10-field metadata.
 */
final class RecordCreationBench {
    static final int CLIENTS = 32;

    private RecordCreationBench() {
    }

    static void run(LocalPlatform platform, String key, int records, Map<String, Object> figures) throws Exception {
        System.out.printf("%nRecord creation, %,d records from %d clients …%n", records, CLIENTS);
        double insertSeconds = singleRowInserts(platform, records);
        System.out.printf("Single-row INSERTs (one per transaction, %d JDBC clients): %.2f s (%,.0f rows/s)%n",
                CLIENTS, insertSeconds, records / insertSeconds);
        String type = "bench_create_" + Long.toHexString(System.currentTimeMillis());
        double apiSeconds = gatewayCreates(platform.gatewayUrl(), key, type, records);
        System.out.printf("POST /v1/records through the gateway (%d clients): %.2f s (%,.0f records/s)%n",
                CLIENTS, apiSeconds, records / apiSeconds);
        figures.put("createRecords", records);
        figures.put("createClients", CLIENTS);
        figures.put("singleRowInsertsPerSecond", Math.round(records / insertSeconds));
        figures.put("gatewayCreatesPerSecond", Math.round(records / apiSeconds));
        figures.put("gatewayCreatesToInsertsRatio", Math.round(insertSeconds / apiSeconds * 1000) / 1000.0);
    }

    private static double singleRowInserts(LocalPlatform platform, int records) throws Exception {
        try (Connection admin = connect(platform); Statement s = admin.createStatement()) {
            s.execute("DROP TABLE IF EXISTS bench_single_rows");
            s.execute("CREATE TABLE bench_single_rows (LIKE records INCLUDING ALL)");
            AtomicInteger next = new AtomicInteger();
            double seconds = inParallel(() -> {
                try (Connection c = connect(platform); PreparedStatement insert = c.prepareStatement("""
                        INSERT INTO bench_single_rows (id, organization_id, user_id, type, name, metadata, created_at, updated_at)
                        VALUES (?, 'org_bench', 'user_bench', 'bench_single', ?, ?::jsonb, ?, ?)""")) {
                    for (int i = next.getAndIncrement(); i < records; i = next.getAndIncrement()) {
                        Timestamp now = Timestamp.from(Instant.now());
                        insert.setString(1, String.format("rec_single%020d", i));
                        insert.setString(2, "Lead " + i);
                        insert.setString(3, metadata(i));
                        insert.setTimestamp(4, now);
                        insert.setTimestamp(5, now);
                        insert.executeUpdate();
                    }
                }
                return null;
            });
            s.execute("DROP TABLE bench_single_rows");
            s.execute("CHECKPOINT");
            return seconds;
        }
    }

    private static double gatewayCreates(String gateway, String key, String type, int records) throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .executor(Executors.newVirtualThreadPerTaskExecutor()).build();
        AtomicInteger next = new AtomicInteger();
        return inParallel(() -> {
            for (int i = next.getAndIncrement(); i < records; i = next.getAndIncrement()) {
                String body = "{\"type\":\"" + type + "\",\"name\":\"Lead " + i + "\",\"metadata\":" + metadata(i) + "}";
                HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(gateway + "/v1/records"))
                        .timeout(Duration.ofSeconds(60))
                        .header("Authorization", "Bearer " + key)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() != 201) {
                    throw new IllegalStateException("create answered " + response.statusCode() + ": " + response.body());
                }
            }
            return null;
        });
    }

    /** Runs the task on {@link #CLIENTS} threads at once; the wall time until all are done, in seconds. */
    private static double inParallel(java.util.concurrent.Callable<Void> task) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
        try {
            long t0 = System.nanoTime();
            List<Future<Void>> done = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                done.add(pool.submit(task));
            }
            for (Future<Void> f : done) {
                f.get();
            }
            return (System.nanoTime() - t0) / 1e9;
        } finally {
            pool.shutdownNow();
        }
    }

    /** The CSV scenario's 10 metadata fields, as JSON. */
    static String metadata(int i) {
        return "{\"email\": \"lead" + i + "@example.test\", \"company\": \"Company " + (i % 9973)
                + ", Inc.\", \"city\": \"City " + (i % 500) + "\", \"country\": \"Country " + (i % 60)
                + "\", \"score\": " + (i % 100) + ", \"revenue\": " + (i * 37L % 1_000_000) + ".50, \"employees\": "
                + (i % 5000) + ", \"signed_up\": \"2025-" + String.format("%02d-%02d", 1 + i % 12, 1 + i % 28)
                + "\", \"active\": " + (i % 3 == 0) + ", \"notes\": \"Imported from the legacy CRM row " + i + "\"}";
    }

    private static Connection connect(LocalPlatform platform) throws Exception {
        return BenchSupport.database(platform, "records");
    }
}
