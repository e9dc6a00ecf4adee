package dev.runloom.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;

/**
 * The public API as a scenario's set-up uses it, through the gateway with an API key: JSON calls, and
 * N records of a type created one POST each (32 clients) or by one CSV upload.
 */
final class BenchApi {
    static final ObjectMapper JSON = new ObjectMapper();
    /** Concurrent POSTs when records are created one by one. */
    static final int CREATE_CONCURRENCY = 32;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
            .executor(Executors.newVirtualThreadPerTaskExecutor()).build();
    private final String baseUrl;
    private final String key;

    BenchApi(String baseUrl, String key) {
        this.baseUrl = baseUrl;
        this.key = key;
    }

    /**
     * One call; fails on any status ≥ 400 and, when {@code expectedStatus} &gt; 0, on any other status than
     * that one. Returns the parsed body.
     */
    JsonNode call(String method, String path, String body, int expectedStatus) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(Duration.ofMinutes(2))
                .header("Authorization", "Bearer " + key)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (expectedStatus > 0 && response.statusCode() != expectedStatus || response.statusCode() >= 400) {
            throw new IllegalStateException(method + " " + path + " answered " + response.statusCode() + ": " + response.body());
        }
        return JSON.readTree(response.body());
    }

    /** {@code count} records of {@code type} ({@code Lead n}, metadata city and score), one POST each; their ids. */
    List<String> createRecords(String type, int count) throws Exception {
        ConcurrentLinkedQueue<String> ids = new ConcurrentLinkedQueue<>();
        Semaphore inFlight = new Semaphore(CREATE_CONCURRENCY);
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> done = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                int n = i;
                inFlight.acquire();
                done.add(pool.submit(() -> {
                    try {
                        JsonNode record = call("POST", "/v1/records", "{\"type\":\"" + type + "\",\"name\":\"Lead " + n
                                + "\",\"metadata\":{\"city\":\"City " + (n % 50) + "\",\"score\":" + n + "}}", 201);
                        ids.add(record.get("id").asText());
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
        return new ArrayList<>(ids);
    }

    /** The same records by one CSV upload (the bulk path), then their ids read back page by page. */
    List<String> uploadRecords(String type, int count) throws Exception {
        StringBuilder csv = new StringBuilder("name,city,score\n");
        for (int n = 0; n < count; n++) {
            csv.append("Lead ").append(n).append(",City ").append(n % 50).append(',').append(n).append('\n');
        }
        String boundary = "runloombench" + Long.toHexString(System.nanoTime());
        String body = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"type\"\r\n\r\n" + type + "\r\n"
                + "--" + boundary + "\r\nContent-Disposition: form-data; name=\"types\"\r\n\r\n{\"score\":\"integer\"}\r\n"
                + "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"records.csv\"\r\n"
                + "Content-Type: text/csv\r\n\r\n" + csv + "\r\n--" + boundary + "--\r\n";
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(baseUrl + "/v1/records/upload-csv"))
                .timeout(Duration.ofMinutes(30)).header("Authorization", "Bearer " + key)
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("upload answered " + response.statusCode() + ": " + response.body());
        }
        List<String> ids = new ArrayList<>(count);
        String cursor = null;
        do {
            JsonNode page = call("GET", "/v1/records?type=" + type + "&limit=100"
                    + (cursor == null ? "" : "&cursor=" + URLEncoder.encode(cursor, StandardCharsets.UTF_8)), null, 200);
            page.get("data").forEach(r -> ids.add(r.get("id").asText()));
            JsonNode next = page.path("pagination").path("nextCursor");
            cursor = next.isTextual() && page.path("pagination").path("hasMore").asBoolean(true) ? next.asText() : null;
        } while (cursor != null);
        if (ids.size() != count) {
            throw new IllegalStateException("uploaded " + count + " records, listed " + ids.size());
        }
        return ids;
    }
}
