package dev.runloom.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.runloom.local.LocalPlatform;
import org.postgresql.PGConnection;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static dev.runloom.bench.BenchSupport.round;
import static dev.runloom.bench.BenchSupport.freePort;

/**
 * Scenario: CSV import of N rows (name + 10 metadata columns) through the gateway
 * ({@code POST /v1/records/upload-csv}, multipart, streamed from disk), against raw PostgreSQL
 * {@code COPY} of the same rows, already shaped as records rows, into a table
 * {@code LIKE records INCLUDING ALL} on the same database server in the same run (and, for context
 * only, COPY of the CSV file itself into eleven text columns). Reports the rates, their ratio
 * (target ≥ 40 %), and the peak used heap of records-service (its JVM has
 * -Xmx512m), sampled with jstat every 200 ms. records-service's progress lines are echoed while the
 * import runs.
 *
 * <p>Then the sibling scenario {@link RecordCreationBench}: record creation through the gateway, one
 * request per record from 32 clients, beside the single-row insert rate of the same database.
 *
 * <p>Usage: {@code bench/run-csv-import [--rows N] [--creates M]} (defaults 1,000,000 and 20,000; 0
 * skips a scenario). Starts its own local platform in a temporary directory and stops it after.
 */
public final class CsvImportBench {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int METADATA_COLUMNS = 10;
    private static final String BOUNDARY = "runloom-bench-" + Long.toHexString(System.nanoTime());

    private CsvImportBench() {
    }

    public static void main(String[] args) throws Exception {
        int rows = 1_000_000;
        int creates = 20_000;
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (args[i].equals("--rows")) {
                rows = Integer.parseInt(args[i + 1]);
            } else if (args[i].equals("--creates")) {
                creates = Integer.parseInt(args[i + 1]);
            }
        }
        Path home = Path.of(System.getProperty("runloom.home", ".")).toAbsolutePath();
        Path data = Files.createTempDirectory("runloom-bench-csv");
        String key = "rt_test_bench_" + Long.toHexString(System.nanoTime()) + "0123456789abcdef";
        System.out.println("Starting a local platform in " + data + " …");
        try (LocalPlatform platform = LocalPlatform.start(new LocalPlatform.Options(home, data, freePort(),
                List.of(new LocalPlatform.ApiKey(key, "org_bench")), BenchSupport.UNTHROTTLED))) {
            Map<String, Object> figures = new LinkedHashMap<>();
            if (rows > 0) {
                run(platform, key, rows, data, figures);
            }
            if (creates > 0) {
                RecordCreationBench.run(platform, key, creates, figures);
            }
            report(figures);
        }
    }

    private static void run(LocalPlatform platform, String key, int rows, Path data, Map<String, Object> figures)
            throws Exception {
        Path csv = data.resolve("records.csv");
        System.out.printf("Writing %,d rows to %s …%n", rows, csv);
        writeCsv(csv, rows);
        long bytes = Files.size(csv);
        System.out.printf("%,d bytes (%.1f MB)%n", bytes, bytes / 1e6);

        double textCopySeconds = rawTextCopy(platform, csv);
        System.out.printf("Raw COPY, CSV into 11 text columns (context): %.2f s (%,.0f rows/s)%n", textCopySeconds,
                rows / textCopySeconds);
        Path shaped = data.resolve("records.copy");
        writeRecordRows(shaped, rows);
        double copySeconds = rawRecordsCopy(platform, shaped);
        System.out.printf("Raw COPY, records rows into LIKE records INCLUDING ALL (baseline): %.2f s (%,.0f rows/s)%n",
                copySeconds, rows / copySeconds);

        String type = "bench_csv_" + Long.toHexString(System.currentTimeMillis());
        HeapSampler heap = new HeapSampler(platform.pid("records"));
        LogFollower progress = new LogFollower(platform.logDir().resolve("records.log"), "csv import");
        heap.start();
        progress.start();
        long t0 = System.nanoTime();
        JsonNode result = upload(platform.gatewayUrl(), key, type, csv);
        double importSeconds = (System.nanoTime() - t0) / 1e9;
        heap.stop();
        progress.stop();
        System.out.printf("Import: %.2f s (%,.0f rows/s): %s%n", importSeconds, rows / importSeconds, result);

        long counted = count(platform.gatewayUrl(), key, type);
        if (counted != rows || result.get("created").asLong() != rows) {
            throw new IllegalStateException("expected " + rows + " records, the API counts " + counted + ": " + result);
        }

        figures.put("rows", rows);
        figures.put("metadataColumns", METADATA_COLUMNS);
        figures.put("fileMegabytes", round(bytes / 1e6));
        figures.put("rawCopyTextColumnsSeconds", round(textCopySeconds));
        figures.put("rawCopyTextColumnsRowsPerSecond", Math.round(rows / textCopySeconds));
        figures.put("rawCopySeconds", round(copySeconds));
        figures.put("rawCopyRowsPerSecond", Math.round(rows / copySeconds));
        figures.put("importSeconds", round(importSeconds));
        figures.put("importRowsPerSecond", Math.round(rows / importSeconds));
        figures.put("importToCopyRatio", round(copySeconds / importSeconds));
        figures.put("importToTextCopyRatio", round(textCopySeconds / importSeconds));
        figures.put("recordsServicePeakHeapMegabytes", heap.peakMegabytes());
        figures.put("recordsServiceMaxHeapMegabytes", 512);
        figures.put("created", result.get("created").asLong());
        figures.put("errorCount", result.get("errorCount").asLong());
    }

    private static void report(Map<String, Object> figures) throws IOException {
        figures.put("cores", Runtime.getRuntime().availableProcessors());
        figures.put("measuredAt", Instant.now().toString());
        BenchSupport.report("csv-import", figures);
    }

    /** name + 10 columns: text, numbers, dates, booleans — what a CRM export looks like. */
    private static void writeCsv(Path csv, int rows) throws IOException {
        try (BufferedWriter out = Files.newBufferedWriter(csv, StandardCharsets.UTF_8)) {
            out.write("name,email,company,city,country,score,revenue,employees,signed_up,active,notes\n");
            for (int i = 0; i < rows; i++) {
                out.write("Lead " + i + ",lead" + i + "@example.test,\"Company " + (i % 9973) + ", Inc.\",City "
                        + (i % 500) + ",Country " + (i % 60) + "," + (i % 100) + "," + (i * 37L % 1_000_000) + ".50,"
                        + (i % 5000) + ",2025-" + String.format("%02d-%02d", 1 + i % 12, 1 + i % 28) + ","
                        + (i % 3 == 0) + ",Imported from the legacy CRM row " + i + "\n");
                if (i > 0 && i % 200_000 == 0) {
                    System.out.printf("  %,d rows written%n", i);
                }
            }
        }
    }

    /** Context only: COPY of the CSV file itself into a table of its columns (text, unique on name), then dropped. */
    private static double rawTextCopy(LocalPlatform platform, Path csv) throws Exception {
        try (Connection c = BenchSupport.database(platform, "records"); Statement s = c.createStatement()) {
            StringBuilder columns = new StringBuilder("name TEXT NOT NULL UNIQUE");
            for (String column : List.of("email", "company", "city", "country", "score", "revenue", "employees",
                    "signed_up", "active", "notes")) {
                columns.append(", ").append(column).append(" TEXT");
            }
            s.execute("DROP TABLE IF EXISTS bench_raw_copy");
            s.execute("CREATE TABLE bench_raw_copy (" + columns + ")");
            long t0 = System.nanoTime();
            try (InputStream in = Files.newInputStream(csv)) {
                c.unwrap(PGConnection.class).getCopyAPI().copyIn("COPY bench_raw_copy FROM STDIN (FORMAT csv, HEADER true)", in);
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            s.execute("DROP TABLE bench_raw_copy");
            s.execute("CHECKPOINT"); // the next phase should not pay for this COPY's dirty pages
            return seconds;
        }
    }

    /**
     * The baseline: the same rows already shaped as records rows (id, organization, user, type, name,
     * metadata jsonb as the import builds it, timestamps) COPYed into a table with records' columns,
     * types, constraints and indexes ({@code LIKE records INCLUDING ALL}: the unique (organization,
     * type, name), the keyset btrees and the GIN index on metadata; not the counter triggers), then
     * dropped. This is what the import must write at least; parsing CSV and building jsonb in the
     * database would measure a different thing.
     */
    private static double rawRecordsCopy(LocalPlatform platform, Path shaped) throws Exception {
        try (Connection c = BenchSupport.database(platform, "records"); Statement s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS bench_raw_records");
            s.execute("CREATE TABLE bench_raw_records (LIKE records INCLUDING ALL)");
            long t0 = System.nanoTime();
            try (InputStream in = Files.newInputStream(shaped)) {
                c.unwrap(PGConnection.class).getCopyAPI().copyIn("COPY bench_raw_records (id, organization_id, user_id, "
                        + "type, name, metadata, created_at, updated_at) FROM STDIN", in);
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            s.execute("DROP TABLE bench_raw_records");
            s.execute("CHECKPOINT");
            return seconds;
        }
    }

    /** {@link #writeCsv}'s rows as COPY text-format records rows, metadata typed as the upload's {@code types} asks. */
    private static void writeRecordRows(Path file, int rows) throws IOException {
        String now = Instant.now().toString();
        try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (int i = 0; i < rows; i++) {
                out.write(String.format("rec_bench%021d\torg_bench\tuser_bench\tbench_raw\tLead %d\t", i, i));
                out.write(RecordCreationBench.metadata(i));
                out.write("\t" + now + "\t" + now + "\n");
            }
        }
    }

    /** The multipart body streamed from disk: fields, then the file part; the length is known, so nothing is buffered. */
    private static JsonNode upload(String gateway, String key, String type, Path csv) throws Exception {
        byte[] head = ("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"type\"\r\n\r\n" + type + "\r\n"
                + "--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"types\"\r\n\r\n"
                + "{\"score\":\"integer\",\"revenue\":\"number\",\"employees\":\"integer\",\"signed_up\":\"date\",\"active\":\"boolean\"}\r\n"
                + "--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"records.csv\"\r\n"
                + "Content-Type: text/csv\r\n\r\n").getBytes(StandardCharsets.UTF_8);
        byte[] tail = ("\r\n--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.UTF_8);
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create(gateway + "/v1/records/upload-csv"))
                .timeout(Duration.ofMinutes(60))
                .header("Authorization", "Bearer " + key)
                .header("Content-Type", "multipart/form-data; boundary=" + BOUNDARY)
                .POST(HttpRequest.BodyPublishers.concat(HttpRequest.BodyPublishers.ofByteArray(head),
                        HttpRequest.BodyPublishers.ofFile(csv), HttpRequest.BodyPublishers.ofByteArray(tail)))
                .build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("upload answered " + response.statusCode() + ": " + response.body());
        }
        return JSON.readTree(response.body());
    }

    private static long count(String gateway, String key, String type) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(gateway + "/v1/records?limit=1&includeCount=true&type=" + type))
                .header("Authorization", "Bearer " + key).build(), HttpResponse.BodyHandlers.ofString());
        return JSON.readTree(response.body()).path("pagination").path("totalCount").asLong(-1);
    }

    /** Peak used heap (eden + survivors + old) of a JVM, from {@code jstat -gc} samples. */
    private static final class HeapSampler {
        private final long pid;
        private final AtomicLong peakKb = new AtomicLong();
        private final AtomicBoolean running = new AtomicBoolean();
        private Thread thread;

        HeapSampler(long pid) {
            this.pid = pid;
        }

        void start() {
            running.set(true);
            String jstat = Path.of(ProcessHandle.current().info().command().orElse("java")).resolveSibling("jstat").toString();
            thread = Thread.ofPlatform().daemon().start(() -> {
                while (running.get()) {
                    try {
                        Process p = new ProcessBuilder(jstat, "-gc", Long.toString(pid)).redirectErrorStream(true).start();
                        List<String> lines = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList();
                        p.waitFor();
                        if (lines.size() >= 2) {
                            List<String> names = List.of(lines.get(0).trim().split("\\s+"));
                            String[] values = lines.get(1).trim().split("\\s+");
                            double used = 0;
                            for (String column : List.of("S0U", "S1U", "EU", "OU")) {
                                used += Double.parseDouble(values[names.indexOf(column)]);
                            }
                            peakKb.accumulateAndGet((long) used, Math::max);
                        }
                        Thread.sleep(200);
                    } catch (Exception e) {
                        return;
                    }
                }
            });
        }

        void stop() throws InterruptedException {
            running.set(false);
            thread.join();
        }

        long peakMegabytes() {
            return peakKb.get() / 1024;
        }
    }

    /** Echoes the lines of a log file that contain a marker, as they are written. */
    private static final class LogFollower {
        private final Path file;
        private final String marker;
        private final AtomicBoolean running = new AtomicBoolean();
        private Thread thread;

        LogFollower(Path file, String marker) {
            this.file = file;
            this.marker = marker;
        }

        void start() throws IOException {
            long start = Files.exists(file) ? Files.size(file) : 0;
            running.set(true);
            thread = Thread.ofPlatform().daemon().start(() -> {
                long position = start;
                while (running.get()) {
                    try (RandomAccessFile log = new RandomAccessFile(file.toFile(), "r")) {
                        log.seek(position);
                        String line;
                        while ((line = log.readLine()) != null) {
                            if (line.contains(marker)) {
                                System.out.println("  records-service: " + line.substring(Math.max(0, line.indexOf(marker))));
                            }
                        }
                        position = log.getFilePointer();
                        Thread.sleep(500);
                    } catch (Exception e) {
                        return;
                    }
                }
            });
        }

        void stop() throws InterruptedException {
            Thread.sleep(600); // the final summary line
            running.set(false);
            thread.join();
        }
    }
}
