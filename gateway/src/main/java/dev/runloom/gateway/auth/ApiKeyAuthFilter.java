package dev.runloom.gateway.auth;

import dev.runloom.common.problem.Problem;
import dev.runloom.common.tenant.Tenant;
import dev.runloom.gateway.ratelimit.RateLimits;
import io.micronaut.context.annotation.Value;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.order.Ordered;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ResponseFilter;
import io.micronaut.http.annotation.ServerFilter;
import io.micronaut.http.filter.ServerFilterPhase;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.security.MessageDigest;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;

/**
 * Authenticates every public {@code /v1} request by its API key — {@code Authorization: Bearer <key>},
 * the bare {@code Authorization: <key>} of the vendor's production samples, or {@code X-API-Key: <key>}
 * (a WebSocket upgrade may offer it as the subprotocol {@code runloom.api-key.<key>}) —
 * then applies the rate limits and the route's scope ({@link Scopes}), and leaves the resolved
 * {@link Tenant} in a request attribute for the proxy and the gateway's own controllers.
 * {@code /v1/admin/**} takes only the admin key. Failed authentications are counted per client
 * address and refused with 429 once over budget. Runs on the blocking pool: a cache miss and the
 * rate-limit buckets are database queries. Key material is never logged.
 */
@ServerFilter("/v1/**")
public class ApiKeyAuthFilter implements Ordered {
    public static final int ORDER = ServerFilterPhase.SECURITY.order();
    public static final String TENANT_ATTRIBUTE = "runloom.gateway.tenant";
    public static final String API_KEY_HEADER = "X-API-Key";
    public static final String WEBSOCKET_PROTOCOL_HEADER = "Sec-WebSocket-Protocol";
    /** A WebSocket subprotocol carrying the API key: {@code runloom.api-key.<key>} (keys are URL-safe tokens). */
    public static final String WEBSOCKET_KEY_PROTOCOL = "runloom.api-key.";
    private static final String DECISION_ATTRIBUTE = "runloom.gateway.rate-limit";
    private static final String ADMIN_PATH = "/v1/admin";

    private static final Logger LOG = LoggerFactory.getLogger(ApiKeyAuthFilter.class);

    private final ApiKeyService keys;
    private final ApiKeyHasher hasher;
    private final RateLimits limits;
    private final @Nullable String adminKeyHash;

    public ApiKeyAuthFilter(ApiKeyService keys, ApiKeyHasher hasher, RateLimits limits,
                            @Value("${runloom.gateway.admin-key:}") String adminKey) {
        this.keys = keys;
        this.hasher = hasher;
        this.limits = limits;
        this.adminKeyHash = adminKey == null || adminKey.isBlank() ? null : hasher.hash(adminKey.trim());
    }

    @Override
    public int getOrder() {
        return ORDER;
    }

    /*
     * The one legitimate @ExecuteOn: the kernel's BlockingRequestThreads moves controllers off the
     * event loop, but server filters are not covered by the server's thread selection and run on
     * the Netty event loop unless their filter method says otherwise. A cache miss here is a JDBC
     * query, which EventLoopGuard refuses on an event-loop thread.
     */
    @RequestFilter
    @ExecuteOn(TaskExecutors.BLOCKING)
    public @Nullable HttpResponse<Problem> authenticate(HttpRequest<?> request) {
        String address = clientAddress(request);
        RateLimits.Decision blocked = limits.blockedForFailedAuth(address);
        Optional<String> presented = presentedKey(request);
        if (blocked != null && presented.flatMap(keys::authenticateCached).isEmpty()) {
            // over its failed-auth budget: only keys this gateway already knows to be good get through
            return tooManyRequests(blocked);
        }
        if (presented.isEmpty()) {
            return failed(address, "missing_api_key",
                    "Send your API key as 'Authorization: Bearer <key>', 'Authorization: <key>' or 'X-API-Key: <key>'"
                            + " (WebSocket: also as the subprotocol 'runloom.api-key.<key>')");
        }
        String rawPath = request.getUri().getRawPath();
        if (rawPath.equals(ADMIN_PATH) || rawPath.startsWith(ADMIN_PATH + "/")) {
            return adminKey(presented.get()) ? null : failed(address, "invalid_api_key", "This path takes the admin key");
        }
        Optional<ApiKey> key;
        try {
            key = keys.authenticate(presented.get());
        } catch (RuntimeException e) {
            LOG.warn("cannot look up API keys: {}", e.toString());
            return HttpResponse.<Problem>status(HttpStatus.SERVICE_UNAVAILABLE)
                    .contentType(Problem.MEDIA_TYPE)
                    .body(Problem.of(503, "Service Unavailable", "service_unavailable",
                            "API keys cannot be checked right now; retry shortly", true));
        }
        if (key.isEmpty()) {
            return failed(address, "invalid_api_key", "The API key is malformed, unknown, expired or revoked");
        }
        ApiKey apiKey = key.get();
        RateLimits.Decision decision = limits.request(apiKey.id(), apiKey.organizationId());
        request.setAttribute(DECISION_ATTRIBUTE, decision);
        if (!decision.allowed()) {
            return tooManyRequests(decision);
        }
        String required = Scopes.requiredFor(request.getMethod(), rawPath);
        if (!Scopes.grants(apiKey.scopes(), required)) {
            return HttpResponse.<Problem>status(HttpStatus.FORBIDDEN)
                    .contentType(Problem.MEDIA_TYPE)
                    .body(Problem.of(403, "Forbidden", "insufficient_scope",
                            "This API key lacks the scope " + required + " needed for " + request.getMethodName()
                                    + " " + rawPath, false));
        }
        request.setAttribute(TENANT_ATTRIBUTE, new Tenant(apiKey.organizationId(), apiKey.userId(), apiKey.scopes()));
        return null;
    }

    /** Every authenticated answer (proxied or the gateway's own) reports the key's budget. */
    @ResponseFilter
    public void rateLimitHeaders(HttpRequest<?> request, MutableHttpResponse<?> response) {
        request.getAttribute(DECISION_ATTRIBUTE, RateLimits.Decision.class)
                .filter(d -> d.allowed() && d.limit() > 0)
                .ifPresent(d -> response.header("RateLimit-Policy", d.policyHeader()).header("RateLimit", d.rateLimitHeader()));
    }

    private boolean adminKey(String presented) {
        return adminKeyHash != null && ApiKeys.looksLikeKey(presented) && MessageDigest.isEqual(
                adminKeyHash.getBytes(StandardCharsets.UTF_8), hasher.hash(presented).getBytes(StandardCharsets.UTF_8));
    }

    private HttpResponse<Problem> failed(String address, String code, String detail) {
        RateLimits.Decision decision = limits.failedAuthentication(address);
        if (!decision.allowed()) {
            return tooManyRequests(decision);
        }
        return HttpResponse.<Problem>status(HttpStatus.UNAUTHORIZED)
                .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer")
                .contentType(Problem.MEDIA_TYPE)
                .body(Problem.of(401, "Unauthorized", code, detail, false));
    }

    static HttpResponse<Problem> tooManyRequests(RateLimits.Decision decision) {
        return HttpResponse.<Problem>status(HttpStatus.TOO_MANY_REQUESTS)
                .header(HttpHeaders.RETRY_AFTER, Long.toString(decision.retryAfterSeconds()))
                .header("RateLimit-Policy", decision.policyHeader())
                .header("RateLimit", decision.rateLimitHeader())
                .contentType(Problem.MEDIA_TYPE)
                .body(Problem.of(429, "Too Many Requests", "rate_limited",
                        "Rate limit '" + decision.policy() + "' (" + decision.limit() + " per minute) exceeded; retry in "
                                + decision.retryAfterSeconds() + " s", true));
    }

    /** The peer's IP address (proxies in front of the gateway would need X-Forwarded-For trusted explicitly). */
    private static String clientAddress(HttpRequest<?> request) {
        InetSocketAddress remote = request.getRemoteAddress();
        return remote.getAddress() != null ? remote.getAddress().getHostAddress() : remote.getHostString();
    }

    /**
     * The key from the headers ({@link #presentedKey(HttpHeaders)}); on a WebSocket upgrade, where a
     * browser cannot set headers, also from the offered subprotocols: {@code Sec-WebSocket-Protocol:
     * runloom.v1, runloom.api-key.<key>} ({@link #WEBSOCKET_KEY_PROTOCOL}). Never from the query string:
     * URLs end up in access logs and browser history.
     */
    static Optional<String> presentedKey(HttpRequest<?> request) {
        HttpHeaders headers = request.getHeaders();
        Optional<String> key = presentedKey(headers);
        if (key.isPresent() || !"websocket".equalsIgnoreCase(headers.get(HttpHeaders.UPGRADE))) {
            return key;
        }
        for (String offered : headers.getAll(WEBSOCKET_PROTOCOL_HEADER)) {
            for (String protocol : offered.split(",")) {
                String p = protocol.trim();
                if (p.startsWith(WEBSOCKET_KEY_PROTOCOL) && p.length() > WEBSOCKET_KEY_PROTOCOL.length()) {
                    return Optional.of(p.substring(WEBSOCKET_KEY_PROTOCOL.length()));
                }
            }
        }
        return Optional.empty();
    }

    /** The key from Authorization (with or without the Bearer scheme), else from X-API-Key. */
    static Optional<String> presentedKey(HttpHeaders headers) {
        String authorization = headers.get(HttpHeaders.AUTHORIZATION);
        if (authorization != null && !authorization.isBlank()) {
            String value = authorization.trim();
            String lower = value.toLowerCase(Locale.ROOT);
            if (lower.equals("bearer") || lower.startsWith("bearer ")) {
                value = value.substring("bearer".length()).trim();
            }
            if (!value.isEmpty()) {
                return Optional.of(value);
            }
        }
        String header = headers.get(API_KEY_HEADER);
        if (header != null && !header.isBlank()) {
            return Optional.of(header.trim());
        }
        return Optional.empty();
    }
}
