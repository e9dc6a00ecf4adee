package dev.runloom.agents.a2a;

import dev.runloom.outbound.ApacheConnector;
import dev.runloom.outbound.Connector;
import dev.runloom.outbound.HostResolver;
import dev.runloom.outbound.OutboundLimits;
import dev.runloom.outbound.OutboundRequest;
import dev.runloom.outbound.OutboundResponse;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Replaces;
import io.micronaut.context.annotation.Requires;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;

/**
 * The outbound guard's network as the a2a tests see it, when {@code runloom.test.outbound-network} is
 * true. A REPLACEMENT RESOLVER (no DNS here, and none wanted): {@code agent.test} and {@code cards.test}
 * resolve to 127.0.0.1 (the fake agents; allow-listed by the tests), {@code internal.test} to
 * 10.0.0.1, {@code metadata.test} to 169.254.169.254; IP literals are themselves; any other name is
 * unknown. A WRAPPED CONNECTOR: the real Apache connector, but it refuses (and records) any address
 * that is not loopback, so a guard that let a refused address through fails a test instead of
 * connecting anywhere outside this machine.
 */
@Factory
@Requires(property = "runloom.test.outbound-network", value = "true")
public class TestOutboundNetwork {
    private static final Pattern IP_LITERAL = Pattern.compile("[0-9.]+|[0-9a-fA-F:]*:[0-9a-fA-F:.]*");

    /** Addresses the connector was asked to reach although they are not loopback (must stay empty). */
    public static final List<String> NON_LOOPBACK_CONNECTS = new CopyOnWriteArrayList<>();

    private static final Map<String, String> NAMES = Map.of(
            "agent.test", "127.0.0.1",
            "cards.test", "127.0.0.1",
            "internal.test", "10.0.0.1",
            "metadata.test", "169.254.169.254");

    /** The properties a test class adds to use this network: the fake agents' names allow-listed, short timeouts. */
    public static Map<String, String> properties() {
        return Map.of("runloom.test.outbound-network", "true",
                "runloom.outbound-http.allowed-hosts", "agent.test,cards.test",
                "runloom.outbound-http.max-response-bytes", "65536",
                "runloom.agents.a2a.card-timeout", "1s",
                "runloom.agents.a2a.message-timeout", "2s");
    }

    @Singleton
    @Replaces(HostResolver.class)
    HostResolver testResolver() {
        return host -> {
            String address = NAMES.get(host);
            if (address != null) {
                return List.of(InetAddress.getByName(address));
            }
            if (IP_LITERAL.matcher(host).matches()) {
                return List.of(InetAddress.getByName(host)); // a literal: parsed, never looked up
            }
            throw new UnknownHostException(host);
        };
    }

    @Singleton
    @Replaces(ApacheConnector.class)
    LoopbackOnlyConnector loopbackOnlyConnector() {
        return new LoopbackOnlyConnector(new ApacheConnector(Duration.ofSeconds(2)));
    }

    /** The real connector, for loopback addresses only. */
    public static final class LoopbackOnlyConnector implements Connector {
        private final ApacheConnector delegate;

        LoopbackOnlyConnector(ApacheConnector delegate) {
            this.delegate = delegate;
        }

        @Override
        public OutboundResponse exchange(OutboundRequest request, InetAddress address, OutboundLimits limits)
                throws IOException {
            if (!address.isLoopbackAddress()) {
                NON_LOOPBACK_CONNECTS.add(request.uri() + " -> " + address.getHostAddress());
                throw new IOException("test connector: refusing to connect to non-loopback " + address.getHostAddress());
            }
            return delegate.exchange(request, address, limits);
        }

        @PreDestroy
        void close() throws IOException {
            delegate.close();
        }
    }
}
