package dev.runloom.common.problem;

import io.micronaut.context.ApplicationContext;
import io.micronaut.core.type.Argument;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.exceptions.HttpClientResponseException;
import io.micronaut.json.JsonMapper;
import io.micronaut.runtime.server.EmbeddedServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;

/** A real Netty server on a random port with {@link ProblemTestController}, no datasource, and a client for it. */
final class ProblemTestServer implements AutoCloseable {
    private final EmbeddedServer server;
    private final HttpClient client;
    private final JsonMapper json;

    /** What came back: status, content type and the body as a JSON object. */
    record Reply(int status, String contentType, String raw, Map<String, Object> body) {
    }

    ProblemTestServer() {
        server = ApplicationContext.run(EmbeddedServer.class, Map.of(
                "micronaut.server.port", -1,
                "problem-test.enabled", "true",
                // common carries the JDBC stack; without this Hikari starts a 'default' pool with no URL
                "datasources.default.enabled", false));
        client = server.getApplicationContext().createBean(HttpClient.class, server.getURL());
        json = server.getApplicationContext().getBean(JsonMapper.class);
    }

    ApplicationContext context() {
        return server.getApplicationContext();
    }

    Reply call(HttpRequest<?> request) {
        HttpResponse<String> response;
        try {
            response = client.toBlocking().exchange(request, String.class);
        } catch (HttpClientResponseException e) {
            @SuppressWarnings("unchecked")
            HttpResponse<String> failed = (HttpResponse<String>) e.getResponse();
            response = failed;
        }
        String raw = response.getBody(String.class).orElse("");
        String contentType = response.getContentType().map(Object::toString).orElse(null);
        Map<String, Object> body = Map.of();
        if (contentType != null && contentType.contains("json") && !raw.isEmpty()) {
            try {
                body = json.readValue(raw, Argument.mapOf(String.class, Object.class));
            } catch (IOException e) {
                throw new UncheckedIOException(raw, e);
            }
        }
        return new Reply(response.getStatus().getCode(), contentType, raw, body);
    }

    @Override
    public void close() {
        client.close();
        server.getApplicationContext().close();
    }
}
