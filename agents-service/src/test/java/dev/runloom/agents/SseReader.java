package dev.runloom.agents;

import dev.runloom.common.tenant.InternalTokens;
import dev.runloom.common.tenant.Tenant;
import io.micronaut.json.JsonMapper;
import io.micronaut.json.tree.JsonNode;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.stream.Stream;

/** Reads {@code text/event-stream} answers of the service with a real HTTP client, frame by frame. */
final class SseReader {
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final String baseUrl;
    private final InternalTokens tokens;
    private final JsonMapper json;

    SseReader(String baseUrl, InternalTokens tokens, JsonMapper json) {
        this.baseUrl = baseUrl;
        this.tokens = tokens;
        this.json = json;
    }

    /** One SSE frame as read off the wire. */
    record Frame(String id, JsonNode data) {
        String type() {
            return data.get("type").getStringValue();
        }
    }

    HttpResponse<Stream<String>> post(String path, String body, Tenant tenant) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(baseUrl + path))
                .header(InternalTokens.HEADER, tokens.sign(tenant)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofLines());
    }

    HttpResponse<Stream<String>> get(String path, Tenant tenant) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(baseUrl + path))
                .header(InternalTokens.HEADER, tokens.sign(tenant)).timeout(Duration.ofSeconds(30)).GET().build(),
                HttpResponse.BodyHandlers.ofLines());
    }

    /** Reads the next frame (lines up to a blank one), or null at the end of the stream. */
    Frame next(Iterator<String> lines) throws IOException {
        String id = null;
        StringBuilder data = new StringBuilder();
        while (lines.hasNext()) {
            String line = lines.next();
            if (line.isEmpty()) {
                if (data.length() > 0) {
                    return new Frame(id, json.readValue(data.toString(), JsonNode.class));
                }
                continue;
            }
            if (line.startsWith("id:")) {
                id = line.substring(3).strip();
            } else if (line.startsWith("data:")) {
                data.append(line.substring(5).strip());
            }
        }
        return data.length() > 0 ? new Frame(id, json.readValue(data.toString(), JsonNode.class)) : null;
    }

    List<Frame> readAll(HttpResponse<Stream<String>> response) throws IOException {
        List<Frame> frames = new ArrayList<>();
        Iterator<String> lines = response.body().iterator();
        for (Frame frame = next(lines); frame != null; frame = next(lines)) {
            frames.add(frame);
        }
        return frames;
    }

    List<Frame> postAll(String path, String body, Tenant tenant) throws IOException, InterruptedException {
        HttpResponse<Stream<String>> response = post(path, body, tenant);
        if (response.statusCode() != 200 || !response.headers().firstValue("Content-Type").orElse("")
                .startsWith("text/event-stream")) {
            throw new AssertionError("expected an event stream, got " + response.statusCode() + " "
                    + String.join("\n", response.body().toList()));
        }
        return readAll(response);
    }
}
