package dev.runloom.outbound;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

/**
 * The guard's decisions, with no network at all: names resolve through a map, and the connector
 * either fails the test when called (refusals must happen before any connect) or records what it
 * was asked and answers itself.
 */
class GuardedHttpClientTest {
    private static final OutboundLimits LIMITS = new OutboundLimits(Duration.ofSeconds(1), Duration.ofSeconds(2), 1024, 3);
    private static final Connector MUST_NOT_CONNECT = (request, address, limits) ->
            fail("the guard connected to " + address + " for " + request.uri());

    private static HostResolver resolving(Map<String, List<String>> names) {
        return host -> {
            List<String> literals = names.get(host);
            if (literals == null) {
                throw new UnknownHostException(host);
            }
            List<InetAddress> addresses = new ArrayList<>();
            for (String literal : literals) {
                addresses.add(InetAddress.getByName(literal)); // IP literals only: no DNS query
            }
            return addresses;
        };
    }

    @ParameterizedTest
    @ValueSource(strings = {"10.0.0.1", "172.16.5.4", "192.168.1.1", "127.0.0.1", "127.1.2.3", "::1", "0.0.0.0", "::",
            "169.254.169.254", "169.254.1.1", "fe80::1", "fc00::1", "fd00:ec2::254", "224.0.0.1", "ff02::1",
            "100.64.0.1", "100.100.100.200", "240.0.0.1", "255.255.255.255", "::ffff:10.0.0.1", "64:ff9b::a00:1",
            "2002:a00:1::1", "::a00:1"})
    void aNameResolvingToAnInternalAddressIsRefusedBeforeAnyConnect(String internal) {
        GuardedHttpClient client = new GuardedHttpClient(resolving(Map.of("evil.test", List.of(internal))),
                MUST_NOT_CONNECT, Set.of(), LIMITS);

        assertThatThrownBy(() -> client.send(OutboundRequest.get(URI.create("https://evil.test/x?token=secret"))))
                .isInstanceOf(OutboundRefusedException.class)
                .hasMessageContaining("evil.test").hasMessageNotContaining("secret");
    }

    @Test
    void cloudMetadataIsNamedAsSuch() {
        GuardedHttpClient client = new GuardedHttpClient(resolving(Map.of("m.test", List.of("169.254.169.254"),
                "m6.test", List.of("fd00:ec2::254"))), MUST_NOT_CONNECT, Set.of(), LIMITS);
        assertThatThrownBy(() -> client.send(OutboundRequest.get(URI.create("http://m.test/latest/meta-data/"))))
                .hasMessageContaining("cloud metadata");
        assertThatThrownBy(() -> client.send(OutboundRequest.get(URI.create("http://m6.test/"))))
                .hasMessageContaining("cloud metadata");
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://127.0.0.1:8080/", "http://[::1]/", "http://169.254.169.254/latest/", "http://10.1.2.3/",
            "http://[::ffff:127.0.0.1]/", "http://0.0.0.0:22/"})
    void internalIpLiteralsAreRefused(String url) {
        GuardedHttpClient client = new GuardedHttpClient(HostResolver.SYSTEM, MUST_NOT_CONNECT, Set.of(), LIMITS);
        assertThatThrownBy(() -> client.send(OutboundRequest.get(URI.create(url)))).isInstanceOf(OutboundRefusedException.class);
    }

    @Test
    void oneInternalAnswerAmongPublicOnesRefusesTheHost() {
        GuardedHttpClient client = new GuardedHttpClient(resolving(Map.of("mixed.test", List.of("93.184.216.34", "10.0.0.1"))),
                MUST_NOT_CONNECT, Set.of(), LIMITS);
        assertThatThrownBy(() -> client.send(OutboundRequest.get(URI.create("http://mixed.test/"))))
                .isInstanceOf(OutboundRefusedException.class).hasMessageContaining("10.0.0.1");
    }

    @ParameterizedTest
    @ValueSource(strings = {"file:///etc/passwd", "ftp://example.test/", "gopher://example.test/", "http://user:pw@example.test/",
            "http:///nohost"})
    void onlyHttpUrlsWithAHostAndNoUserInfo(String url) {
        GuardedHttpClient client = new GuardedHttpClient(resolving(Map.of("example.test", List.of("93.184.216.34"))),
                MUST_NOT_CONNECT, Set.of(), LIMITS);
        assertThatThrownBy(() -> client.send(OutboundRequest.get(URI.create(url)))).isInstanceOf(OutboundRefusedException.class);
    }

    @Test
    void theCheckedAddressIsTheOneConnectedTo() {
        List<InetAddress> connected = new ArrayList<>();
        Connector recording = (request, address, limits) -> {
            connected.add(address);
            return new OutboundResponse(200, request.uri(), Map.of(), "ok".getBytes());
        };
        GuardedHttpClient client = new GuardedHttpClient(resolving(Map.of("public.test", List.of("93.184.216.34"))),
                recording, Set.of(), LIMITS);

        assertThat(client.send(OutboundRequest.get(URI.create("https://public.test/a"))).bodyText()).isEqualTo("ok");
        assertThat(connected).extracting(InetAddress::getHostAddress).containsExactly("93.184.216.34");
    }

    @Test
    void aRedirectToAnInternalAddressIsRefusedBeforeConnectingThere() {
        List<String> calls = new ArrayList<>();
        Connector redirecting = (request, address, limits) -> {
            calls.add(request.uri() + " @ " + address.getHostAddress());
            if (!address.getHostAddress().equals("93.184.216.34")) {
                fail("connected to " + address);
            }
            return new OutboundResponse(302, request.uri(), Map.of("location", List.of("http://internal.test/admin")), new byte[0]);
        };
        GuardedHttpClient client = new GuardedHttpClient(resolving(Map.of("public.test", List.of("93.184.216.34"),
                "internal.test", List.of("10.0.0.1"))), redirecting, Set.of(), LIMITS);

        assertThatThrownBy(() -> client.send(OutboundRequest.get(URI.create("http://public.test/start"))))
                .isInstanceOf(OutboundRefusedException.class).hasMessageContaining("internal.test");
        assertThat(calls).containsExactly("http://public.test/start @ 93.184.216.34");
    }

    @Test
    void redirectsAreFollowedWithCredentialsDroppedAcrossOriginsAndCapped() {
        List<OutboundRequest> seen = new ArrayList<>();
        Connector redirecting = (request, address, limits) -> {
            seen.add(request);
            String path = request.uri().getPath();
            if (path.equals("/end")) {
                return new OutboundResponse(200, request.uri(), Map.of(), "done".getBytes());
            }
            String next = path.equals("/start") ? "/middle" : "https://other.test/end";
            return new OutboundResponse(303, request.uri(), Map.of("location", List.of(next)), new byte[0]);
        };
        GuardedHttpClient client = new GuardedHttpClient(resolving(Map.of("public.test", List.of("93.184.216.34"),
                "other.test", List.of("93.184.216.35"))), redirecting, Set.of(), LIMITS);

        OutboundResponse response = client.send(new OutboundRequest("POST", URI.create("http://public.test/start"),
                Map.of("Authorization", "Bearer k", "Content-Type", "application/json"), "{}".getBytes()));

        assertThat(response.bodyText()).isEqualTo("done");
        assertThat(seen).extracting(OutboundRequest::method).containsExactly("POST", "GET", "GET");
        assertThat(seen.get(1).headers()).containsEntry("Authorization", "Bearer k").doesNotContainKey("Content-Type");
        assertThat(seen.get(2).headers()).doesNotContainKey("Authorization");
        assertThat(seen.get(2).body()).isNull();

        Connector loop = (request, address, limits) ->
                new OutboundResponse(302, request.uri(), Map.of("location", List.of("/again")), new byte[0]);
        GuardedHttpClient looping = new GuardedHttpClient(resolving(Map.of("public.test", List.of("93.184.216.34"))),
                loop, Set.of(), LIMITS);
        assertThatThrownBy(() -> looping.send(OutboundRequest.get(URI.create("http://public.test/")))).hasMessageContaining("redirects");
    }

    @Test
    void anAllowListedHostMayResolveInternally() {
        List<InetAddress> connected = new ArrayList<>();
        Connector recording = (request, address, limits) -> {
            connected.add(address);
            return new OutboundResponse(204, request.uri(), Map.of(), new byte[0]);
        };
        GuardedHttpClient client = new GuardedHttpClient(resolving(Map.of("api.internal.test", List.of("10.0.0.7"),
                "other.internal.test", List.of("10.0.0.8"))), recording, Set.of("api.internal.test"), LIMITS);

        assertThat(client.send(OutboundRequest.get(URI.create("http://API.internal.test/"))).status()).isEqualTo(204);
        assertThat(connected).extracting(InetAddress::getHostAddress).containsExactly("10.0.0.7");
        assertThatThrownBy(() -> client.send(OutboundRequest.get(URI.create("http://other.internal.test/"))))
                .isInstanceOf(OutboundRefusedException.class);
    }
}
