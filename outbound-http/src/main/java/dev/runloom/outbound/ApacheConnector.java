package dev.runloom.outbound;

import org.apache.hc.client5.http.classic.methods.HttpUriRequestBase;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.client5.http.protocol.HttpClientContext;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.util.Timeout;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The production {@link Connector}: Apache HttpClient 5 connecting to the given address. The target
 * {@link HttpHost} carries that address beside the URL's host name, so the socket goes to the checked
 * address while {@code Host}, TLS SNI and certificate checks use the name. Its own DNS resolver
 * refuses everything: nothing inside the client can resolve a name behind the guard's back. No
 * redirects, retries, cookies or system proxies: the guard owns those decisions.
 */
public class ApacheConnector implements Connector, Closeable {
    private static final int CHUNK = 8192;

    private final PoolingHttpClientConnectionManager connections;
    private final CloseableHttpClient client;

    /** @param connectTimeout how long opening a connection may take (a pool setting, so one for all calls) */
    public ApacheConnector(java.time.Duration connectTimeout) {
        this.connections = PoolingHttpClientConnectionManagerBuilder.create()
                .setDnsResolver(new org.apache.hc.client5.http.DnsResolver() {
                    @Override
                    public InetAddress[] resolve(String host) throws UnknownHostException {
                        throw new UnknownHostException("name resolution outside the outbound guard is refused: " + host);
                    }

                    @Override
                    public String resolveCanonicalHostname(String host) throws UnknownHostException {
                        throw new UnknownHostException("name resolution outside the outbound guard is refused: " + host);
                    }
                })
                .setDefaultConnectionConfig(ConnectionConfig.custom()
                        .setConnectTimeout(Timeout.of(connectTimeout))
                        .build())
                .setMaxConnTotal(200)
                .setMaxConnPerRoute(20)
                .build();
        this.client = HttpClients.custom()
                .setConnectionManager(connections)
                .disableRedirectHandling()
                .disableAutomaticRetries()
                .disableCookieManagement()
                .disableAuthCaching()
                .build();
    }

    @Override
    public OutboundResponse exchange(OutboundRequest request, InetAddress address, OutboundLimits limits) throws IOException {
        URI uri = request.uri();
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        int port = uri.getPort() != -1 ? uri.getPort() : scheme.equals("https") ? 443 : 80;
        HttpHost target = new HttpHost(scheme, address, uri.getHost(), port);

        HttpUriRequestBase message = new HttpUriRequestBase(request.method(), uri);
        request.headers().forEach(message::addHeader);
        if (request.body() != null) {
            message.setEntity(new ByteArrayEntity(request.body(), null));
        }
        HttpClientContext context = HttpClientContext.create();
        context.setRequestConfig(RequestConfig.custom()
                .setResponseTimeout(Timeout.of(limits.responseTimeout()))
                .setConnectionRequestTimeout(Timeout.of(limits.connectTimeout()))
                .setRedirectsEnabled(false)
                .build());
        long deadline = System.nanoTime() + limits.responseTimeout().toNanos();
        return client.execute(target, message, context, response -> read(response, uri, limits, deadline));
    }

    private static OutboundResponse read(ClassicHttpResponse response, URI uri, OutboundLimits limits, long deadline)
            throws IOException {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (Header header : response.getHeaders()) {
            headers.computeIfAbsent(header.getName().toLowerCase(Locale.ROOT), k -> new ArrayList<>()).add(header.getValue());
        }
        byte[] body = new byte[0];
        HttpEntity entity = response.getEntity();
        if (entity != null) {
            if (entity.getContentLength() > limits.maxResponseBytes()) {
                throw new OutboundHttpException("the response is larger than " + limits.maxResponseBytes() + " bytes");
            }
            try (InputStream in = entity.getContent()) {
                body = readCapped(in, limits.maxResponseBytes(), deadline);
            }
        }
        return new OutboundResponse(response.getCode(), uri, headers, body);
    }

    /** Reads at most {@code max} bytes and gives up at the deadline, so a slow drip cannot hold a worker. */
    private static byte[] readCapped(InputStream in, long max, long deadline) throws IOException {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        byte[] chunk = new byte[CHUNK];
        int n;
        while ((n = in.read(chunk)) != -1) {
            if (out.size() + (long) n > max) {
                throw new OutboundHttpException("the response is larger than " + max + " bytes");
            }
            out.write(chunk, 0, n);
            if (System.nanoTime() > deadline) {
                throw new OutboundHttpException("the response took longer than the timeout to arrive");
            }
        }
        return out.toByteArray();
    }

    @Override
    public void close() throws IOException {
        client.close();
    }
}
