package dev.runloom.gateway.auth;

import dev.runloom.common.problem.Problem;
import dev.runloom.common.tenant.Tenant;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.order.Ordered;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ServerFilter;
import io.micronaut.http.filter.ServerFilterPhase;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Locale;
import java.util.Optional;

/**
 * Authenticates every public {@code /v1} request by its API key — {@code Authorization: Bearer <key>},
 * the bare {@code Authorization: <key>} of the vendor's production samples, or {@code X-API-Key: <key>} —
 * and leaves the resolved {@link Tenant} in a request attribute for the proxy. Runs on the blocking
 * pool: a cache miss is a database query.
 */
@ServerFilter("/v1/**")
public class ApiKeyAuthFilter implements Ordered {
    public static final int ORDER = ServerFilterPhase.SECURITY.order();
    public static final String TENANT_ATTRIBUTE = "runloom.gateway.tenant";
    public static final String API_KEY_HEADER = "X-API-Key";

    private static final Logger LOG = LoggerFactory.getLogger(ApiKeyAuthFilter.class);

    private final ApiKeyService keys;

    public ApiKeyAuthFilter(ApiKeyService keys) {
        this.keys = keys;
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
        Optional<String> presented = presentedKey(request.getHeaders());
        if (presented.isEmpty()) {
            return reject("missing_api_key",
                    "Send your API key as 'Authorization: Bearer <key>', 'Authorization: <key>' or 'X-API-Key: <key>'");
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
            return reject("invalid_api_key", "The API key is unknown or has been revoked");
        }
        ApiKey apiKey = key.get();
        request.setAttribute(TENANT_ATTRIBUTE, new Tenant(apiKey.organizationId(), apiKey.userId(), apiKey.scopes()));
        return null;
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

    private static HttpResponse<Problem> reject(String code, String detail) {
        return HttpResponse.<Problem>status(HttpStatus.UNAUTHORIZED)
                .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer")
                .contentType(Problem.MEDIA_TYPE)
                .body(Problem.of(401, "Unauthorized", code, detail, false));
    }
}
