package dev.runloom.outbound;

import io.micronaut.context.annotation.ConfigurationProperties;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * {@code runloom.outbound-http.*}: the hosts that may be reached although they resolve to internal
 * addresses ({@code allowed-hosts}, exact names or IP literals, e.g. an in-cluster API or, in tests,
 * {@code 127.0.0.1}), timeouts, the response size cap and how many redirects are followed.
 */
@ConfigurationProperties("runloom.outbound-http")
public class OutboundHttpSettings {
    private List<String> allowedHosts = List.of();
    private Duration connectTimeout = Duration.ofSeconds(5);
    private Duration responseTimeout = Duration.ofSeconds(30);
    private long maxResponseBytes = 5L * 1024 * 1024;
    private int maxRedirects = 5;

    public List<String> getAllowedHosts() {
        return allowedHosts;
    }

    public void setAllowedHosts(List<String> allowedHosts) {
        this.allowedHosts = allowedHosts == null ? List.of() : allowedHosts;
    }

    public Duration getConnectTimeout() {
        return connectTimeout;
    }

    public void setConnectTimeout(Duration connectTimeout) {
        this.connectTimeout = connectTimeout;
    }

    public Duration getResponseTimeout() {
        return responseTimeout;
    }

    public void setResponseTimeout(Duration responseTimeout) {
        this.responseTimeout = responseTimeout;
    }

    public long getMaxResponseBytes() {
        return maxResponseBytes;
    }

    public void setMaxResponseBytes(long maxResponseBytes) {
        this.maxResponseBytes = maxResponseBytes;
    }

    public int getMaxRedirects() {
        return maxRedirects;
    }

    public void setMaxRedirects(int maxRedirects) {
        this.maxRedirects = maxRedirects;
    }

    public Set<String> allowedHostSet() {
        return allowedHosts.stream().map(h -> h.trim().toLowerCase(Locale.ROOT)).filter(h -> !h.isEmpty())
                .map(h -> h.startsWith("[") && h.endsWith("]") ? h.substring(1, h.length() - 1) : h)
                .collect(Collectors.toUnmodifiableSet());
    }

    public OutboundLimits limits() {
        return new OutboundLimits(connectTimeout, responseTimeout, maxResponseBytes, maxRedirects);
    }
}
