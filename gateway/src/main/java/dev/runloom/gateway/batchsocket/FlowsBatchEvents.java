package dev.runloom.gateway.batchsocket;

import dev.runloom.common.tenant.InternalTokens;
import dev.runloom.common.tenant.Tenant;
import dev.runloom.gateway.routing.ProxyFilter;
import dev.runloom.gateway.routing.ServiceRoutes;
import dev.runloom.gateway.routing.Upstream;
import io.micronaut.context.annotation.Value;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Iterator;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * The gateway's reader of flows-service's batch progress: {@code GET /v1/batch/:id/status} to check a
 * batch before a socket is opened for it, and the Server-Sent Events of {@code GET /v1/batch/:id/events},
 * frame by frame. Both carry a freshly signed internal token for the caller's organization, so
 * flows-service applies its own tenant isolation (another organization's batch is a 404). The JDK client
 * is used because the stream is read line by line on a virtual thread; closing the stream closes
 * the connection.
 */
@Singleton
public class FlowsBatchEvents {
    private final HttpClient http;
    /** flows-service's replicas: each request goes to the next one (round robin). */
    private final Upstream flows;
    private final InternalTokens tokens;
    private final Duration timeout;

    public FlowsBatchEvents(ServiceRoutes routes, InternalTokens tokens,
                            @Value("${micronaut.http.client.connect-timeout:5s}") Duration connectTimeout,
                            @Value("${micronaut.http.client.read-timeout:300s}") Duration timeout) {
        this.flows = routes.resolve("/v1/batch").orElseThrow().upstream();
        this.tokens = tokens;
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(connectTimeout)
                .executor(java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()).build();
    }

    /** flows-service's answer to {@code GET /v1/batch/status/:id}: status, content type and body (a problem when not 200). */
    public Answer status(Tenant tenant, String batchId, String requestId) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(request(tenant, "/v1/batch/status/" + encode(batchId), requestId)
                .timeout(timeout).GET().build(), HttpResponse.BodyHandlers.ofString());
        return new Answer(response.statusCode(), response.headers().firstValue("Content-Type").orElse("application/json"),
                response.body());
    }

    /**
     * Opens the batch's event stream. The caller reads it with {@link EventStream#forEach} and closes
     * it (which closes the connection to flows-service).
     */
    public EventStream open(Tenant tenant, String batchId, String requestId) throws IOException, InterruptedException {
        HttpResponse<Stream<String>> response = http.send(request(tenant, "/v1/batch/" + encode(batchId) + "/events",
                requestId).header("Accept", "text/event-stream").GET().build(), HttpResponse.BodyHandlers.ofLines());
        if (response.statusCode() != 200) {
            response.body().close();
            throw new IOException("flows-service answered " + response.statusCode() + " for the batch's events");
        }
        return new EventStream(response.body());
    }

    private HttpRequest.Builder request(Tenant tenant, String path, String requestId) {
        return HttpRequest.newBuilder(URI.create(flows.choose().toString().replaceAll("/$", "") + path))
                .header(InternalTokens.HEADER, tokens.sign(tenant))
                .header(ProxyFilter.REQUEST_ID_HEADER, requestId);
    }

    private static String encode(String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
    }

    @PreDestroy
    void close() {
        http.close();
    }

    public record Answer(int status, String contentType, String body) {
    }

    /** One Server-Sent Event: its {@code event} name (null when unnamed), {@code id} and {@code data}. */
    public record Frame(String event, String id, String data) {
        public boolean isComplete() {
            return "complete".equals(event);
        }
    }

    /** A stream of frames read off an SSE body, in order. */
    public static final class EventStream implements AutoCloseable {
        private final Stream<String> lines;

        EventStream(Stream<String> lines) {
            this.lines = lines;
        }

        /** Hands every frame to {@code sink} until the stream ends; returns whether the last was {@code complete}. */
        public boolean forEach(Consumer<Frame> sink) {
            Iterator<String> it = lines.iterator();
            String event = null;
            String id = null;
            StringBuilder data = null;
            boolean completed = false;
            while (it.hasNext()) {
                String line = it.next();
                if (line.isEmpty()) {
                    if (data != null) {
                        Frame frame = new Frame(event, id, data.toString());
                        sink.accept(frame);
                        completed = frame.isComplete();
                    }
                    event = null;
                    id = null;
                    data = null;
                    continue;
                }
                if (line.startsWith(":")) {
                    continue; // an SSE comment
                }
                int colon = line.indexOf(':');
                String field = colon < 0 ? line : line.substring(0, colon);
                String value = colon < 0 ? "" : line.substring(colon + 1);
                if (value.startsWith(" ")) {
                    value = value.substring(1);
                }
                switch (field) {
                    case "event" -> event = value;
                    case "id" -> id = value;
                    case "data" -> data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
                    default -> { }
                }
            }
            return completed;
        }

        @Override
        public void close() {
            lines.close();
        }
    }
}
