package dev.runloom.outbound;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The real connector against a server on loopback. The URL names {@code fake.test}, which no DNS
 * knows: the call can only succeed by connecting to the address the guard resolved and checked
 * (127.0.0.1, allow-listed), while the request still says {@code Host: fake.test}.
 */
class ApacheConnectorLoopbackTest {
    private static HttpServer server;
    private static ApacheConnector connector;
    private static final AtomicReference<String> hostHeader = new AtomicReference<>();

    @BeforeAll
    static void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/hello", exchange -> {
            hostHeader.set(exchange.getRequestHeaders().getFirst("Host"));
            byte[] body = ("hello " + exchange.getRequestMethod() + " " + new String(exchange.getRequestBody().readAllBytes(),
                    StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "text/plain; charset=utf-8");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.createContext("/moved", exchange -> {
            exchange.getResponseHeaders().add("Location", "/hello");
            exchange.sendResponseHeaders(302, -1);
            exchange.close();
        });
        server.createContext("/big", exchange -> {
            exchange.sendResponseHeaders(200, 0); // chunked: the size is only known by reading
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(new byte[64 * 1024]);
            }
        });
        server.createContext("/slow", exchange -> {
            try {
                Thread.sleep(3_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool()); // /slow must not hold the others up
        server.start();
        connector = new ApacheConnector(Duration.ofSeconds(2));
    }

    @AfterAll
    static void stop() throws IOException {
        connector.close();
        server.stop(0);
    }

    private GuardedHttpClient client(Set<String> allowed) {
        HostResolver fakeDns = host -> {
            if (host.equals("fake.test") || host.equals("blocked.test")) {
                return List.of(InetAddress.getLoopbackAddress());
            }
            throw new UnknownHostException(host);
        };
        return new GuardedHttpClient(fakeDns, connector, allowed,
                new OutboundLimits(Duration.ofSeconds(2), Duration.ofSeconds(2), 16 * 1024, 3));
    }

    private URI url(String host, String path) {
        return URI.create("http://" + host + ":" + server.getAddress().getPort() + path);
    }

    @Test
    void connectsToTheCheckedAddressKeepingTheHostName() {
        OutboundResponse response = client(Set.of("fake.test")).send(new OutboundRequest("POST", url("fake.test", "/hello"),
                Map.of("Content-Type", "text/plain"), "body".getBytes(StandardCharsets.UTF_8)));

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.bodyText()).isEqualTo("hello POST body");
        assertThat(hostHeader.get()).isEqualTo("fake.test:" + server.getAddress().getPort());
    }

    @Test
    void followsRedirectsOnTheAllowListedHost() {
        OutboundResponse response = client(Set.of("fake.test")).send(OutboundRequest.get(url("fake.test", "/moved")));
        assertThat(response.bodyText()).isEqualTo("hello GET ");
        assertThat(response.uri().getPath()).isEqualTo("/hello");
    }

    @Test
    void loopbackIsRefusedWhenNotAllowListed() {
        assertThatThrownBy(() -> client(Set.of("fake.test")).send(OutboundRequest.get(url("blocked.test", "/hello"))))
                .isInstanceOf(OutboundRefusedException.class).hasMessageContaining("loopback");
    }

    @Test
    void capsTheResponseSizeAndTheTime() {
        assertThatThrownBy(() -> client(Set.of("fake.test")).send(OutboundRequest.get(url("fake.test", "/big"))))
                .isInstanceOf(OutboundHttpException.class).hasMessageContaining("larger than 16384 bytes");
        long start = System.nanoTime();
        assertThatThrownBy(() -> client(Set.of("fake.test")).send(OutboundRequest.get(url("fake.test", "/slow")),
                Duration.ofMillis(300))).isInstanceOf(OutboundHttpException.class);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(2_500));
    }
}
