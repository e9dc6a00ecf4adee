package dev.runloom.common.input;

import io.micronaut.context.ApplicationContext;
import io.micronaut.core.type.Argument;
import io.micronaut.json.JsonMapper;
import io.micronaut.runtime.server.EmbeddedServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Strict input at every route under /v1 and /internal: real Netty server, raw HTTP. */
class StrictInputTest {
    private static EmbeddedServer server;
    private static JsonMapper json;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void start() {
        server = ApplicationContext.run(EmbeddedServer.class, Map.of(
                "micronaut.server.port", -1,
                "strict-input-test.enabled", "true",
                "runloom.http.request-head-timeout", "1s",
                "datasources.default.enabled", false));
        json = server.getApplicationContext().getBean(JsonMapper.class);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private HttpResponse<String> send(String method, String path, byte[] body, String contentType) throws Exception {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.getPort() + path))
                .timeout(Duration.ofSeconds(10))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentType != null) {
            builder.header("Content-Type", contentType);
        }
        return http.send(builder.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> postJson(String path, String body) throws Exception {
        return send("POST", path, body.getBytes(StandardCharsets.UTF_8), "application/json");
    }

    private Map<String, Object> problem(HttpResponse<String> response, int status, String code) throws IOException {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).get().asString().startsWith("application/problem+json");
        Map<String, Object> problem = json.readValue(response.body(), Argument.mapOf(String.class, Object.class));
        assertThat(problem).containsEntry("code", code);
        assertThat(String.valueOf(problem.get("detail")))
                .doesNotContainPattern("[a-z]+\\.[a-z]+\\.[A-Z]\\w+") // no Java class names
                .doesNotContainIgnoringCase("jackson").doesNotContain("Feature");
        return problem;
    }

    @Test
    void goodInputPasses() throws Exception {
        HttpResponse<String> ok = postJson("/v1/strict-test", "{\"name\":\"caf\u00e9 \ud83d\ude00\",\"metadata\":{\"a\":[1,\"x\"]}}");
        assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
        assertThat(ok.body()).contains("caf\u00e9");
        assertThat(send("GET", "/v1/strict-test/a%20b?type=lead%2Bx", null, null).body()).contains("a b").contains("lead+x");
    }

    @Test
    void nulAndLoneSurrogatesInJsonAre400NamingTheField() throws Exception {
        assertThat(problem(postJson("/v1/strict-test", "{\"name\":\"a\\u0000b\"}"), 400, "invalid_text").get("detail"))
                .asString().startsWith("name:");
        assertThat(problem(postJson("/v1/strict-test", "{\"metadata\":{\"tags\":[\"ok\",\"\\ud800\"]}}"), 400, "invalid_text")
                .get("detail")).asString().startsWith("metadata.tags[1]:");
        problem(postJson("/v1/strict-test", "{\"metadata\":{\"\\u0000\":1}}"), 400, "invalid_text");
        problem(postJson("/v1/strict-test", "{\"name\":\"\\udc00x\"}"), 400, "invalid_text");
        // raw bytes that are not UTF-8 (an encoded surrogate)
        byte[] raw = {'{', '"', 'n', 'a', 'm', 'e', '"', ':', '"', (byte) 0xED, (byte) 0xA0, (byte) 0x80, '"', '}'};
        assertThat(send("POST", "/v1/strict-test", raw, "application/json").statusCode()).isEqualTo(400);
    }

    @Test
    void nulAndBadEncodingInPathAndQueryAre400() throws Exception {
        problem(send("GET", "/v1/strict-test/a%00b", null, null), 400, "invalid_text");
        problem(send("GET", "/v1/strict-test/%ED%A0%80", null, null), 400, "invalid_text");
        assertThat(problem(send("GET", "/v1/strict-test/x?type=%00", null, null), 400, "invalid_text").get("detail"))
                .asString().contains("'type'");
        problem(send("GET", "/v1/strict-test/x?type=%E2%82", null, null), 400, "invalid_text");
    }

    @Test
    void strictJsonRefusesTrailingContentSecondDocumentsAndDuplicateKeys() throws Exception {
        problem(postJson("/v1/strict-test", "{\"name\":\"a\"} trailing"), 400, "malformed_json");
        problem(postJson("/v1/strict-test", "{\"name\":\"a\"}{\"name\":\"b\"}"), 400, "malformed_json");
        assertThat(problem(postJson("/v1/strict-test", "{\"name\":\"a\",\"name\":\"b\"}"), 400, "invalid_json").get("detail"))
                .asString().contains("name");
        problem(postJson("/v1/strict-test", "{\"name\":"), 400, "malformed_json");
    }

    @Test
    void numbersAreNotCoercedToStrings() throws Exception {
        HttpResponse<String> response = postJson("/v1/strict-test", "{\"name\":42}");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        assertThat(json.readValue(response.body(), Argument.mapOf(String.class, Object.class)).get("detail"))
                .isEqualTo("name: must be a string, not a number");
        assertThat(postJson("/v1/strict-test", "{\"name\":true}").statusCode()).isEqualTo(400);
        assertThat(postJson("/v1/strict-test", "{\"name\":null}").statusCode()).isEqualTo(200);
        // free-form metadata keeps its numbers as numbers
        assertThat(postJson("/v1/strict-test", "{\"metadata\":{\"n\":42}}").body()).contains("\"n\":42");
    }

    @Test
    void aBodyWithoutContentTypeIs415AndActionBodiesMustBeJson() throws Exception {
        problem(send("POST", "/v1/strict-test", "{\"name\":\"a\"}".getBytes(StandardCharsets.UTF_8), null), 415, "unsupported_media_type");
        // an action endpoint that takes no body still refuses a malformed one
        problem(postJson("/v1/strict-test/x/run", "{not json"), 400, "malformed_json");
        assertThat(postJson("/v1/strict-test/x/run", "{}").statusCode()).isEqualTo(200);
        assertThat(send("POST", "/v1/strict-test/x/run", null, null).statusCode()).isEqualTo(200);
    }

    /** Over-long request lines and headers: 414 and 431 problems (Netty's limits), not 413. */
    @Test
    void longUrlsAre414AndLargeHeadersAre431() throws Exception {
        problem(send("GET", "/v1/strict-test/x?type=" + "a".repeat(10_000), null, null), 414, "uri_too_long");
        HttpRequest big = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.getPort() + "/v1/strict-test/x"))
                .header("X-Big", "b".repeat(20_000)).GET().build();
        problem(http.send(big, HttpResponse.BodyHandlers.ofString()), 431, "headers_too_large");
        // within the limits all is well
        assertThat(send("GET", "/v1/strict-test/x?type=" + "a".repeat(3_000), null, null).statusCode()).isEqualTo(200);
    }

    /** A client trickling its request head (slowloris) is dropped once the head timeout passes. */
    @Test
    void slowRequestHeadsAreDropped() throws Exception {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", server.getPort())) {
            socket.setSoTimeout(5_000);
            java.io.OutputStream out = socket.getOutputStream();
            out.write("GET /v1/strict-test/x HTTP/1.1\r\nHost: 127.0.0.1\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            long started = System.nanoTime();
            boolean closed;
            try {
                for (int i = 0; i < 40; i++) {
                    Thread.sleep(100);
                    out.write('X'); // a header that never ends, one byte at a time
                    out.flush();
                }
                closed = socket.getInputStream().read() == -1;
            } catch (java.net.SocketTimeoutException e) {
                closed = false; // still open after all that: not dropped
            } catch (IOException e) {
                closed = true; // written to a connection the server had closed (reset)
            }
            assertThat(closed).as("connection closed by the server").isTrue();
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
        }
        // a complete request on a fresh connection is served
        assertThat(send("GET", "/v1/strict-test/x", null, null).statusCode()).isEqualTo(200);
    }
}
