package dev.runloom.gateway;

import dev.runloom.gateway.auth.ApiKeys;
import dev.runloom.testsupport.ServiceTest;
import io.micronaut.json.JsonMapper;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static dev.runloom.gateway.GatewayHttp.bearer;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The edge refuses bad input before anything is forwarded: NUL and broken encodings in paths and
 * queries, malformed or ambiguous JSON, bodies without a Content-Type, over-long URLs and headers.
 * The fake services count what reached them: nothing did.
 */
@ServiceTest("gateway")
class GatewayStrictInputTest implements TestPropertyProvider {
    static final String KEY = ApiKeys.generate();

    private final FakeServices services = new FakeServices("records", "flows", "schedules", "agents");

    @Inject EmbeddedServer server;
    @Inject JsonMapper json;

    @Override
    public Map<String, String> getProperties() {
        Map<String, String> p = new HashMap<>();
        p.put("micronaut.server.port", "-1");
        for (String s : List.of("records", "flows", "schedules", "agents")) {
            p.put("runloom.services." + s + "-url", services.url(s));
        }
        p.put("runloom.gateway.api-keys[0].key", KEY);
        p.put("runloom.gateway.api-keys[0].organization-id", "org_a");
        return p;
    }

    @AfterAll
    void stopFakes() {
        services.close();
    }

    @Test
    void badInputNeverReachesAService() throws Exception {
        GatewayHttp http = new GatewayHttp(json);
        int before = services.handled();
        int port = server.getPort();
        http.problem(http.send(port, "GET", "/v1/records/rec%00x", null, "Authorization", bearer(KEY)), 400, "invalid_text");
        http.problem(http.send(port, "GET", "/v1/records?type=%00", null, "Authorization", bearer(KEY)), 400, "invalid_text");
        http.problem(http.send(port, "GET", "/v1/records?type=%ED%A0%80", null, "Authorization", bearer(KEY)), 400, "invalid_text");
        http.problem(http.send(port, "POST", "/v1/records", "{\"type\":\"a\\u0000\"}", "Authorization", bearer(KEY)), 400, "invalid_text");
        http.problem(http.send(port, "POST", "/v1/flows", "{\"name\":\"\\ud800\"}", "Authorization", bearer(KEY)), 400, "invalid_text");
        http.problem(http.send(port, "POST", "/v1/flows", "{\"name\":\"a\"}{}", "Authorization", bearer(KEY)), 400, "malformed_json");
        http.problem(http.send(port, "POST", "/v1/agents", "{\"name\":\"a\",\"name\":\"b\"}", "Authorization", bearer(KEY)), 400, "invalid_json");
        http.problem(http.send(port, "POST", "/v1/schedules/s/run", "{oops", "Authorization", bearer(KEY)), 400, "malformed_json");

        HttpClient client = HttpClient.newHttpClient();
        HttpResponse<String> noType = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/records"))
                .header("Authorization", bearer(KEY)).POST(HttpRequest.BodyPublishers.ofString("{}")).build(),
                HttpResponse.BodyHandlers.ofString());
        http.problem(noType, 415, "unsupported_media_type");
        http.problem(http.send(port, "GET", "/v1/records?type=" + "a".repeat(5000), null, "Authorization", bearer(KEY)), 414, "uri_too_long");
        http.problem(http.send(port, "GET", "/v1/records", null, "Authorization", bearer(KEY), "X-Pad", "p".repeat(10_000)), 431, "headers_too_large");
        assertThat(services.handled()).as("nothing was forwarded").isEqualTo(before);

        // good input still goes through
        assertThat(http.send(port, "POST", "/v1/records", "{\"type\":\"lead\",\"name\":\"caf\u00e9\"}", "Authorization", bearer(KEY))
                .statusCode()).isEqualTo(200);
    }

    /** A client that hangs up mid-request is logged as a client abort, never as a service being unreachable. */
    @Test
    void clientAbortsAreLoggedAsClientAborts() throws Exception {
        ch.qos.logback.classic.Logger proxyLog = (ch.qos.logback.classic.Logger)
                org.slf4j.LoggerFactory.getLogger(dev.runloom.gateway.routing.ProxyFilter.class);
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> logged =
                new ch.qos.logback.core.read.ListAppender<>();
        logged.start();
        proxyLog.addAppender(logged);
        try {
            // hang up while the service is working, and while the body is still being sent
            for (String[] c : List.of(new String[]{"/v1/records/slow", "application/json", "2", "{}"},
                    new String[]{"/v1/flows/f/run", "text/plain", "100000", "partial"},
                    new String[]{"/v1/agents/a/execute", "application/json", "100000", "{\"messages\":["})) {
                try (java.net.Socket socket = new java.net.Socket("127.0.0.1", server.getPort())) {
                    String head = "POST " + c[0] + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + KEY
                            + "\r\nContent-Type: " + c[1] + "\r\nContent-Length: " + c[2] + "\r\n\r\n" + c[3];
                    socket.getOutputStream().write(head.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                    socket.getOutputStream().flush();
                    Thread.sleep(300);
                    socket.setSoLinger(true, 0); // hang up hard (RST), as a killed client does
                }
            }
            long deadline = System.currentTimeMillis() + 10_000;
            while (System.currentTimeMillis() < deadline && logged.list.stream()
                    .filter(e -> e.getFormattedMessage().contains("client closed the connection")).count() < 1) {
                Thread.sleep(100);
            }
            List<String> messages = logged.list.stream().map(ch.qos.logback.classic.spi.ILoggingEvent::getFormattedMessage).toList();
            Thread.sleep(2_000); // the slow service's answer comes back to nobody
            messages = logged.list.stream().map(ch.qos.logback.classic.spi.ILoggingEvent::getFormattedMessage).toList();
            assertThat(messages).filteredOn(m -> m.contains("client closed the connection")).isNotEmpty();
            assertThat(messages).noneMatch(m -> m.contains("unreachable"));
        } finally {
            proxyLog.detachAppender(logged);
        }
    }
}
